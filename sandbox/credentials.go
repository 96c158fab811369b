package sandbox

import "os"

// credentialVariables are the environment variables that carry the
// credentials of a real account, as the echobot and the README name them.
var credentialVariables = []string{
	"GREENAPI_ID_INSTANCE",
	"GREENAPI_API_TOKEN_INSTANCE",
	"GREENAPI_WEBHOOK_TOKEN",
	"MAX_ID_INSTANCE",
	"MAX_API_TOKEN_INSTANCE",
	"MAX_WEBHOOK_TOKEN",
	"TELEGRAM_ID_INSTANCE",
	"TELEGRAM_API_TOKEN_INSTANCE",
	"TELEGRAM_WEBHOOK_TOKEN",
	"AITU_BOT_TOKEN",
	"AITU_WEBHOOK_SECRET",
}

// CredentialVariables returns the names of the environment variables whose
// presence makes New refuse to start: the GREEN-API instance, token and
// webhook token of WhatsApp, MAX and Telegram, and Aitu's bot token and webhook
// secret. A variable counts as set when it is not empty; Config.Getenv reads
// them (os.Getenv by default), and Config.ExtraCredentials adds names.
func CredentialVariables() []string {
	return append([]string(nil), credentialVariables...)
}

// checkCredentials returns a *CredentialsError naming every credential
// variable that getenv finds set, or nil.
func checkCredentials(getenv func(string) string, extra []string) error {
	if getenv == nil {
		getenv = os.Getenv
	}
	var set []string
	for _, name := range append(CredentialVariables(), extra...) {
		if getenv(name) != "" {
			set = append(set, name)
		}
	}
	if len(set) > 0 {
		return &CredentialsError{Variables: set}
	}
	return nil
}
