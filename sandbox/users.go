package sandbox

// User is a person the sandbox lets one speak as. Every user has a private
// chat with the bot on each messenger and is a member of the group chat.
type User struct {
	// ID names the user in routes (?user=<id>).
	ID string `json:"id"`
	// Name is the name the messenger shows.
	Name string `json:"name"`
	// Phone is the user's number as international digits.
	Phone string `json:"phone"`
}

// GroupChat is the value of ?chat= that writes in the group chat; any other
// value (or none) writes in the user's private chat.
const GroupChat = "group"

// groupTitle is the group chat's name.
const groupTitle = "Sandbox friends"

// users are the sandbox's people; the first is the one the curl routes
// write as by default, with the chat ids the echobot's sandbox always had.
var users = []User{
	{ID: "ivan", Name: "Ivan Petrov", Phone: "79001234567"},
	{ID: "aigerim", Name: "Aigerim Nur", Phone: "77011234567"},
	{ID: "lena", Name: "Lena Smirnova", Phone: "79161234567"},
}

// Users returns the sandbox's users, the default one first.
func Users() []User { return append([]User(nil), users...) }

// userByID returns the user with id, the default user for "".
func userByID(id string) (User, bool) {
	if id == "" {
		return users[0], true
	}
	for _, u := range users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

// from says who writes, and where.
type from struct {
	user  User
	index int // the user's position in users
	group bool
}

// sender resolves a route's ?user= and ?chat=.
func sender(userID, chat string) (from, error) {
	u, ok := userByID(userID)
	if !ok {
		return from{}, ErrUnknownChat
	}
	if chat != "" && chat != GroupChat && chat != "private" {
		return from{}, ErrUnknownChat
	}
	i := 0
	for j, x := range users {
		if x.ID == u.ID {
			i = j
		}
	}
	return from{user: u, index: i, group: chat == GroupChat}, nil
}
