module github.com/cardbot/cardbot

go 1.26.0

require (
	github.com/emersion/go-vcard v0.0.0-20241024213814-c9703dde27ff
	github.com/nyaruka/phonenumbers v1.8.1
	github.com/stretchr/testify v1.12.1
	golang.org/x/text v0.43.0
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
