// Package greenapitest is a fake GREEN-API server, like net/http/httptest:
// tests and demos (the echobot's sandbox) point a greenapi.Client at it,
// see what the client sent, make it fail on purpose, and have it push
// webhooks to a bot.
//
//	srv := greenapitest.NewServer()
//	defer srv.Close()
//	c, _ := greenapi.New(srv.Config())
//	c.Send(ctx, "79001234567@c.us", cardbot.Text{Body: "hi"})
//	srv.SentMessages() // [{Method: "sendMessage", ChatID: "79001234567@c.us", Text: "hi", …}]
//
// It checks requests as GREEN-API documents them: the instance id and the
// token in the path (403 and 401 otherwise), a well-formed chat id
// (<digits>@c.us, a group @g.us, @lid), a non-empty message of at most
// 20 000 characters, a contact whose phoneContact is a JSON integer of 11
// or 12 digits and that has at least one of firstName, middleName,
// lastName and company. It answers a request it refuses with 400 and a
// JSON body {"message":"Validation failed. Details: …"} (a text/plain body
// with WithPlainTextErrors), and a body that is not JSON with a plain-text
// 400, as the real service does.
//
// WithMAX plays GREEN-API's MAX API instead: the "/v3" prefix, numeric
// chat ids (negative for groups), texts of at most 4 000 characters,
// sendContact with {chatId, contact{chatId}, typingTime?} and no phone or
// names, checkAccount, which answers for the accounts registered with
// AddMAXAccount and counts its calls (CheckAccountCalls), and the
// instance's contact base: sendContact shares only a contact that is in
// it (a 400 otherwise), getContacts lists it, addContact adds a number
// that has an account (404 "… is not on MAX" otherwise), and
// AddMAXContact puts one there directly:
//
//	srv := greenapitest.NewServer(greenapitest.WithMAX())
//	srv.AddMAXContact("79001234568", "10000001", "Artem") // in the base
//	srv.AddMAXAccount("79001234569", "10000002")          // on MAX, not in the base
//	c, _ := greenapi.New(srv.Config())                    // Messenger: greenapi.MAX
//
// WithTelegram plays a Telegram instance: no prefix, numeric chat ids
// (negative for groups) or "<digits>@c.us" for a phone number and nothing
// else, texts of at most 4 096 characters, captions of at most 1 024, and
// sendContact with contact{phoneContact, firstName (required), lastName,
// company} and no other field; IncomingTelegramContact builds its contact
// notifications.
//
// Methods served: sendMessage, sendContact, sendFileByUpload (SentFiles),
// downloadFile, setSettings and getSettings (Settings),
// receiveNotification, deleteNotification, getStateInstance (the state
// SetState sets; SetState also returns the stateInstanceChanged
// notification to Push), and checkAccount, getContacts and addContact
// with WithMAX; files
// registered with AddFile under /files/. The API needs no testing.T and
// the package depends on nothing but the standard library and greenapi
// (for Config).
package greenapitest
