package greenapitest

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/cardbot/cardbot/internal/fakeapi"
)

// AddFile registers a file and returns the URL the server serves it at,
// a downloadUrl for a document notification.
func (s *Server) AddFile(name, mime string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addFile(name, mime, data)
}

// AddMessageFile registers the file of message idMessage in chat chatID,
// which downloadFile then finds, and returns its URL.
func (s *Server) AddMessageFile(chatID, idMessage, name, mime string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.addFile(name, mime, data)
	id, _, _ := strings.Cut(strings.TrimPrefix(u, s.URL+"/files/"), "/")
	s.msgFiles[chatID+"/"+idMessage] = id
	return u
}

func (s *Server) addFile(name, mime string, data []byte) string {
	id := randomHex(8)
	s.files.Add(id, fakeapi.File{Name: name, MIME: mime, Data: data})
	if name == "" {
		name = "file"
	}
	return s.URL + "/files/" + id + "/" + url.PathEscape(name)
}

// serveFile answers a GET of a file URL: /files/<id>/<name>.
func (s *Server) serveFile(r *http.Request, rest string, call *Call) answer {
	id, _, _ := strings.Cut(rest, "/")
	call.Arg = id
	if r.Method != http.MethodGet {
		return textAnswer(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	f, ok := s.files.Get(id)
	if !ok {
		return textAnswer(http.StatusNotFound, "Not Found")
	}
	mime := f.MIME
	if mime == "" {
		mime = "application/octet-stream"
	}
	return answer{Status: http.StatusOK, Body: f.Data, ContentType: mime}
}

// downloadFile answers {downloadUrl} for a message whose file was
// registered with AddMessageFile or a DocumentNotification.
func (s *Server) downloadFile(_ *http.Request, body []byte, _ *Call) answer {
	m, bad := s.object(body)
	if bad != nil {
		return *bad
	}
	chat, bad := s.chatID(m)
	if bad != nil {
		return *bad
	}
	msg, _, ok := str(m, "idMessage")
	if !ok || msg == "" {
		return s.invalid("'idMessage' is required")
	}
	s.mu.Lock()
	id, found := s.msgFiles[chat+"/"+msg]
	s.mu.Unlock()
	if !found {
		return s.invalid("no file for this message")
	}
	f, _ := s.files.Get(id)
	name := f.Name
	if name == "" {
		name = "file"
	}
	return jsonAnswer(http.StatusOK, map[string]string{"downloadUrl": s.URL + "/files/" + id + "/" + url.PathEscape(name)})
}
