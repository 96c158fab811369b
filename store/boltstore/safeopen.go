package boltstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// openBolt opens the bbolt file at path for Open, once it passed the
// checks of checkBefore. bbolt is opened with its panics recovered and
// its memory faults turned into panics (debug.SetPanicOnFault): the checks
// should leave none to catch, and a file damaged in a way they miss still
// fails Open with ErrFormat rather than crashing the process. (A panic
// inside bolt.Open leaves its file descriptor open.)
func openBolt(path string, opts Options) (bdb *bolt.DB, err error) {
	if err := checkBefore(path, opts); err != nil {
		return nil, err
	}
	defer guardFaults()()
	defer recoverCorrupt(path, &err)
	bdb, err = bolt.Open(path, 0o600, &bolt.Options{
		Timeout: opts.OpenTimeout,
		NoSync:  opts.NoSync,
	})
	if err != nil {
		return nil, boltOpenError(path, opts, err)
	}
	return bdb, nil
}

// recoverCorrupt is deferred by a function that has bbolt read the file
// at path: it turns a panic in that function (a memory fault too, under
// guardFaults) into an error wrapping ErrFormat, in *err.
func recoverCorrupt(path string, err *error) {
	if r := recover(); r != nil {
		*err = corrupt(path, fmt.Errorf("bbolt: %v", r))
	}
}

// initChecked is db.init under the guard of openBolt.
func (db *DB) initChecked() (err error) {
	defer guardFaults()()
	defer recoverCorrupt(db.path, &err)
	return db.init()
}

// guardFaults turns memory faults of the calling goroutine into panics
// until the function it returns is called.
func guardFaults() (restore func()) {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

// checkBefore checks the file at path before Open hands it to bbolt: it
// opens it read only (which takes a shared lock, so it waits for a writer
// in another process as Open does, and reads no page but the meta pages),
// has checkFile read it, then runs bbolt's own consistency check. A file
// missing, empty or not a regular file passes: bbolt creates or lays out
// the first two, and its error names what is wrong with the last.
func checkBefore(path string, opts Options) (err error) {
	fi, statErr := os.Stat(path)
	if statErr != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		return nil
	}
	deadline := time.Now().Add(checkTimeout)
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: opts.OpenTimeout})
	if err != nil {
		if !errors.Is(err, bolterrors.ErrTimeout) {
			// bbolt refused the file ("file size too small", a bad
			// meta page): say what is wrong with it when it is damaged.
			if cerr := checkFile(path, deadline); cerr != nil && !errors.Is(cerr, errCheckTimeout) &&
				!errors.As(cerr, new(*fs.PathError)) {
				return corrupt(path, cerr)
			}
		}
		return boltOpenError(path, opts, err)
	}
	defer bdb.Close()
	switch err := checkFile(path, deadline); {
	case errors.Is(err, errCheckTimeout):
		return fmt.Errorf("boltstore: open %s: %w", path, err)
	case errors.As(err, new(*fs.PathError)):
		return fmt.Errorf("boltstore: check: %w", err)
	case err != nil:
		return corrupt(path, err)
	}
	// bbolt's check runs in a goroutine of its own, where no recover
	// reaches; checkFile has made sure it finds pages where it looks.
	var first error
	err = bdb.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			if first == nil {
				first = err
			}
		}
		return nil
	})
	switch {
	case err != nil:
		return fmt.Errorf("boltstore: check %s: %w", path, err)
	case first != nil:
		return corrupt(path, fmt.Errorf("bbolt check: %w", first))
	}
	return nil
}

// boltOpenError is the error of Open for the error of bolt.Open.
func boltOpenError(path string, opts Options, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("%w: %s (waited %v)", ErrLocked, path, opts.OpenTimeout)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch),
		errors.Is(err, bolterrors.ErrChecksum):
		return fmt.Errorf("%w: %s: %w (a corrupt file, or not a bbolt one)", ErrFormat, path, err)
	case errors.As(err, new(*fs.PathError)):
		return fmt.Errorf("boltstore: %w", err) // it names path
	}
	return fmt.Errorf("boltstore: open %s: %w", path, err)
}
