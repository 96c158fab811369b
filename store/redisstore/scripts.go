package redisstore

import "github.com/redis/go-redis/v9"

// The Lua scripts. Each touches only the keys it is given, and those
// share one hash tag, so that each runs on one Cluster node, atomically.

// pushScript stores an entry unless its Key was pushed within the dedup
// window, and wakes the consumers.
//
// KEYS: stream, [dedup mark]. ARGV: dedup ms, provider, chat, key, update,
// pushed, wake channel, partition. Returns 1 when stored, 0 for a
// duplicate.
var pushScript = redis.NewScript(`
if #KEYS > 1 and not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
	return 0
end
local id = redis.pcall('XADD', KEYS[1], '*', 'provider', ARGV[2], 'chat', ARGV[3],
	'key', ARGV[4], 'update', ARGV[5], 'pushed', ARGV[6])
if type(id) == 'table' and id.err then
	-- a script is not rolled back: forget the mark, so that the
	-- redelivery of this update is not taken for a duplicate
	if #KEYS > 1 then redis.call('DEL', KEYS[2]) end
	return id
end
redis.call('PUBLISH', ARGV[7], ARGV[8])
return 1
`)

// acquireScript takes a free lease with a new token: the member's id and
// the partition's fence count.
//
// KEYS: lease, fence. ARGV: member, ttl ms. Returns the token, or nil
// when the lease is held.
var acquireScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local token = ARGV[1] .. ':' .. redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return token
`)

// renewScript extends a lease its token holds. A lease that is gone (a
// Redis restarted without its data, or a lease that expired while its
// holder could not reach Redis) is taken again by its token when no other
// lease of the partition was taken since: the fence count is still the
// token's, or gone too (then it is set back to the token's, so that the
// next lease counts on from it).
//
// KEYS: lease, fence. ARGV: token, ttl ms, the token's fence count.
// Returns 1 (extended), 2 (taken again), or 0 when the lease is not the
// token's.
const renewScript = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
	return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if v then return 0 end
local f = redis.call('GET', KEYS[2])
if f and f ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if not f then redis.call('SET', KEYS[2], ARGV[3]) end
return 2
`

// releaseScript frees a lease its token holds, and tells the other
// members the partition is free.
//
// KEYS: lease. ARGV: token, wake channel, message. Returns 1, or 0 when
// the lease was not the token's.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	redis.call('DEL', KEYS[1])
	redis.call('PUBLISH', ARGV[2], ARGV[3])
	return 1
end
return 0
`)

// readScript reads a partition for its lease holder: the pending entries
// after an id, or new ones (">"). A missing consumer group (a stream never
// read, or lost) is created from the start of the stream. Pending entries
// whose content is gone are acknowledged and left out.
//
// KEYS: lease, stream. ARGV: token, group, consumer, count, id. Returns
// {0} when the token does not hold the lease, else {1, the last id read
// (the id given when none), the entries}.
var readScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
local function read()
	return redis.pcall('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', ARGV[4],
		'STREAMS', KEYS[2], ARGV[5])
end
local r = read()
if type(r) == 'table' and r.err then
	if not string.find(r.err, 'NOGROUP', 1, true) then return r end
	redis.call('XGROUP', 'CREATE', KEYS[2], ARGV[2], '0', 'MKSTREAM')
	r = read()
	if type(r) == 'table' and r.err then return r end
end
if not r then return {1, ARGV[5], {}} end
local last, out = ARGV[5], {}
for _, e in ipairs(r[1][2]) do
	last = e[1]
	if e[2] then
		out[#out + 1] = e
	else
		redis.call('XACK', KEYS[2], ARGV[2], e[1])
	end
end
return {1, last, out}
`)

// ackScript ends a pending entry.
//
// KEYS: stream. ARGV: group, id. Returns 1, or 0 when it was not pending.
var ackScript = redis.NewScript(`
local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if n == 1 then redis.call('XDEL', KEYS[1], ARGV[2]) end
return n
`)

// deadLetterScript moves a pending entry to the dead letters, as stored,
// with the reason and the time.
//
// KEYS: stream, dead. ARGV: group, id, reason, failed, max dead letters.
// Returns 1, or 0 when it was not pending.
var deadLetterScript = redis.NewScript(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
local r = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if #r == 0 then return 0 end
local args = {'XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*'}
for _, v in ipairs(r[1][2]) do args[#args + 1] = v end
args[#args + 1] = 'reason'
args[#args + 1] = ARGV[3]
args[#args + 1] = 'failed'
args[#args + 1] = ARGV[4]
redis.call(unpack(args))
return 1
`)

// replayScript moves a dead letter back to the end of its partition's
// stream and wakes the consumers.
//
// KEYS: dead, stream. ARGV: id, wake channel, partition. Returns 1, or 0
// when there is no such dead letter.
var replayScript = redis.NewScript(`
local r = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #r == 0 then return 0 end
local args = {'XADD', KEYS[2], '*'}
local f = r[1][2]
for i = 1, #f, 2 do
	if f[i] ~= 'reason' and f[i] ~= 'failed' then
		args[#args + 1] = f[i]
		args[#args + 1] = f[i + 1]
	end
end
redis.call(unpack(args))
redis.call('XDEL', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`)

// heartbeatScript keeps a member in the members set until the server's
// time plus ttl, drops the members whose time is up, and lists the live
// ones. The server's clock is the one clock all members share.
//
// KEYS: members. ARGV: member, ttl ms. Returns the members.
var heartbeatScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZRANGE', KEYS[1], 0, -1)
`)

// dedupBeginScript: done, in flight, or marked in flight now.
//
// KEYS: in-flight mark, done mark. ARGV: token, lease ms. Returns 0
// (new), 1 (in flight) or 2 (done), the values of store.DedupState.
var dedupBeginScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
return 1
`)

// dedupEndScript clears the in-flight mark when the token still holds
// it, and marks the key done when it was handled.
//
// KEYS: in-flight mark, done mark. ARGV: token, "1" when handled, done
// ms.
var dedupEndScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if ARGV[2] == '1' then redis.call('SET', KEYS[2], '1', 'PX', ARGV[3]) end
return 1
`)

// lockAcquireScript takes a free lease, or extends the owner's.
//
// KEYS: lease. ARGV: owner, ttl ms. Returns 1 when owner holds it now.
var lockAcquireScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
	redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
	return 1
end
if v == ARGV[1] then
	redis.call('PEXPIRE', KEYS[1], ARGV[2])
	return 1
end
return 0
`)

// lockReleaseScript deletes a lease its owner holds.
//
// KEYS: lease. ARGV: owner.
var lockReleaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)
