package fakeapi

import "sync"

// File is a file a fake serves: registered by a test, or uploaded.
type File struct {
	// Name is the file's name.
	Name string
	// MIME is its media type, or "".
	MIME string
	// Data is its content.
	Data []byte
}

// Files is a fake's files by id. Its zero value is empty and ready to
// use; it is safe for concurrent use.
type Files struct {
	mu    sync.Mutex
	files map[string]File
}

// Add stores f under id, with a copy of its data, replacing any file of
// that id.
func (fs *Files) Add(id string, f File) {
	f.Data = append([]byte(nil), f.Data...)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.files == nil {
		fs.files = make(map[string]File)
	}
	fs.files[id] = f
}

// Get returns the file stored under id, if any. Its data is the store's:
// not to be changed.
func (fs *Files) Get(id string) (File, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.files[id]
	return f, ok
}
