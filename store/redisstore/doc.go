// Package redisstore gives cardbot's stores on Redis, for several bot
// instances that share one Redis: a Queue for durable async delivery
// (store.Queue), a DedupStore for synchronous delivery
// (store.DedupStore), a StateStore for conversations
// (store.StateStore), and a Locker for pollers and for conversations
// handled by several instances (store.Locker). They
// take a redis.UniversalClient of github.com/redis/go-redis/v9, so a
// standalone server, Sentinel and Cluster all work. They need Redis 6.0
// or later (streams, read by XREADGROUP inside Lua scripts); they are
// tested with Redis 7.0: a standalone server, a Cluster of three masters
// and a Sentinel with one replica, each through the conformance suite of
// store/storetest, and a Sentinel failover.
//
// # Keys
//
// Every key starts with Config.Prefix (P below, "cardbot" by default) and
// carries a hash tag, so that the keys one Lua script touches share a
// Cluster slot:
//
//	{P:q}:stream:<n>    partition n's entries (a stream; fields provider,
//	                    chat, key, update, pushed), with the consumer
//	                    group "cardbot"
//	{P:q}:dead:<n>      partition n's dead letters (a stream; the entry's
//	                    fields, reason, failed)
//	{P:q}:lease:<n>     partition n's owner: "<member id>:<fence count>"
//	{P:q}:fence:<n>     how many leases of partition n were taken
//	{P:q}:k:<hash>      a Push dedup mark: SHA-256 of provider, a zero
//	                    byte and key, for Config.DedupTTL
//	{P:q}:members       the live consumers (a sorted set scored by expiry)
//	{P:q}:partitions    Config.Partitions, as the first consumer stored it
//	{P:d:<hash>}:run    a DedupStore key in flight, for InFlightLease
//	{P:d:<hash>}:done   a DedupStore key handled, for DoneTTL
//	{P:lock:<name>}     a Locker lease
//	{P:s:<hash>}        a StateStore conversation (a hash; fields v, s,
//	                    u, d), for its time to live
//
// and wake-ups go over the pub/sub channel "P:wake".
//
// The whole Queue shares one hash tag, so on a Cluster it lives on one
// shard. That is deliberate: a Push must check its Key against every
// entry pushed (the same update may come for another chat only in a
// provider's bug, but the contract is per Provider and Key) and store the
// entry in its chat's partition in one atomic step, and a Lua script can
// only touch one slot. A bot's queue is far from what one shard can take
// (GREEN-API sends an account's webhooks one at a time), and the
// DedupStore and Locker keys, which are many and independent, still
// spread over the slots.
//
// # The Queue
//
// Entries are spread over Config.Partitions partitions by
// store.Partition(Provider, ChatID), so the entries of one chat are in
// one stream, in push order. Push is one script and one round trip: it
// sets the dedup mark (SET NX) when the entry has a Key, adds the entry to
// its stream (XADD), and publishes the partition number on the wake
// channel; a Key seen within DedupTTL makes it return false and store
// nothing.
//
// Each Consume is a member, with a random id, of the members set, which
// it renews every LeaseTTL/3 with the server's clock; members not renewed
// within LeaseTTL are dropped. A member's target partitions are those
// whose number, modulo the count of live members, is its place among them
// sorted by id. It takes a free target partition with a lease (SET NX PX
// LeaseTTL) whose token holds the partition's fence count, renews it
// every LeaseTTL/3 (compare and PEXPIRE), and reads it with a script that
// checks the token before XREADGROUP: a member whose lease was taken over
// reads nothing more. All members read under one consumer name, so a new
// owner finds the entries its predecessor read and never ended in the
// group's pending list: it delivers those first, in stream order, then
// new entries. One goroutine per owned partition reads and calls deliver,
// so a deliver that blocks holds back its partition only, and an entry is
// delivered only after every earlier entry of its partition was.
//
// When a member joins, the others see it at their next heartbeat (or at
// once, by its "join" message) and hand over the partitions no longer
// theirs: they stop reading them, keep the leases until every delivered
// entry of them has ended, then give the leases up and say so on the
// wake channel, where the new owner hears it. When a member dies, its
// partitions are free after LeaseTTL and taken at the others' next
// heartbeat: within about one and a third LeaseTTL.
//
// Ack acknowledges and deletes the entry (XACK, XDEL); DeadLetter moves it
// to its partition's dead letters, which keep at most about
// MaxDeadLetters; Release writes nothing: the entry stays pending. After
// a Release, the partition's reader reads the pending entries again from
// the start, leaving out those still out, before anything new; so the
// released entry comes again before every entry of its chat that is
// delivered after the Release. A failed Ack or DeadLetter counts as a
// Release: the entry comes again.
//
// When Consume's ctx ends, it stops reading, leaves the members set,
// gives up at once the leases of partitions with nothing out, keeps
// renewing the others until their deliveries have ended, then gives them
// up and returns nil. It returns an error only when it cannot run at all:
// a nil deliver, a second Consume of one Queue at once, a partition count
// that differs from the one stored in Redis, or a client that was closed
// (then at once, leaving its deliveries to the next owner). Other Redis
// failures are logged (at most one line per ten seconds) and retried with
// backoff.
//
// # Conversations
//
// Instances that share conversations share a StateStore and, so that two
// of them never run one conversation's handlers at once, a Locker
// (cardbot.StateConfig.Locker): each update holds its conversation's lease
// while it is handled, and Save's compare-and-set catches a lease that ran
// out. Async delivery from a Queue needs no Locker with ScopeChat or
// ScopeUserInChat: the partition of a chat has one owner at a time, and a
// handover waits for what the old owner holds.
//
// # Guarantees and failure modes
//
// Delivery is at least once per entry, and in push order per chat, across
// instances:
//
//   - Push returns true only once the entry is in Redis, as durable as the
//     server's persistence makes it (see the Redis settings below).
//     Replication is asynchronous: on a Sentinel or Cluster failover, the
//     last pushes, acknowledgements and leases may be lost. A lost Push is
//     lost; a lost Ack is a redelivery; a lost lease may let two members
//     read one partition for a moment.
//   - A consumer that crashes, or is cut from Redis, leaves what it
//     delivered and did not end pending: the partition's next owner
//     delivers it again, first. So a crash doubles the handling of the
//     entries in hand at the time (and of entries handled but whose Ack
//     had not reached Redis).
//   - A member that cannot renew a lease ends the Owned context of the
//     partition's deliveries when the lease may have run out (a tenth
//     before LeaseTTL after the last renewal was sent), before another
//     member can take it. A handler that ignores its context may still be
//     running when the new owner delivers the entry again: a lost lease
//     can double a handling, never lose one. An Ack from the old owner
//     still counts.
//   - The Push dedup window is DedupTTL: a Key pushed again after it is
//     stored again. A Replay is never a duplicate. Each Key costs a mark
//     of about a hundred bytes of Redis memory for DedupTTL.
//
// # The Redis settings the Queue needs
//
// Push is as durable as the server's persistence. A Queue that must not
// lose what it acknowledged needs appendonly yes (with appendfsync
// everysec, a crash of the machine can lose the last second; always loses
// nothing and costs an fsync per write) and maxmemory-policy noeviction
// (another policy deletes keys when Redis is full: queued entries under
// allkeys-*, dedup marks, leases and states under volatile-*). Consume
// reads the settings (ReadPersistence: CONFIG GET, or INFO where CONFIG is
// disabled, as on many managed services) when it starts and each time
// Redis answers again after a failure, and logs a warning for each risk
// it finds (LogPersistence); a program that does not consume can call
// LogPersistence itself.
//
// Replication in Redis is asynchronous: the master acknowledges a write
// before any replica has it. When Sentinel promotes a replica (or a
// Cluster replica takes over a failed master), the writes the old master
// acknowledged and the replica had not received are lost: pushed entries
// (lost for good: the provider got its 200), acknowledgements and dead
// letterings (the entry is delivered again), dedup marks (a redelivery is
// handled again) and leases (two members may read one partition until the
// next renewal). How much is lost is the replication lag at the time,
// usually under a second. min-replicas-to-write 1 with
// min-replicas-max-lag makes the master refuse writes, so Push fails and
// the webhook answers 503, when no replica is close enough; and the WAIT
// command after a Push would make it wait for a replica's copy, at a
// round trip per Push (the Queue does not use it). Nothing acknowledged
// that the promoted replica had is lost: the tests kill a master with
// entries replicated (WAIT) and check that each is delivered after the
// failover.
//
// Every instance must use the same Prefix and Partitions; Consume refuses
// a partition count that differs from the stored one (to change it, drain
// the queue and delete {P:q}:partitions). The client's timeouts should
// be well under LeaseTTL/3.
//
// On a Cluster, the keys of one script share a slot and pub/sub is the
// classic, cluster-wide one. Scripts are sent with EVALSHA and, when a
// node lacks them, EVAL.
//
// Errors are wrapped with %w and start with "redisstore:"; neither they
// nor the logs hold a password or a URL.
package redisstore
