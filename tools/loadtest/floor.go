package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cardbot/cardbot/provider/aitu/aitutest"
	"github.com/cardbot/cardbot/provider/greenapi"
)

// floorText is the floor's answer to every message.
const floorText = "floor"

// floorSender is what the floor adds to the bare server: for each webhook,
// one text to the chat it came from, through the provider's HTTP API with a
// plain net/http client, before the 200. It is the least a bot that answers
// each message once must do: no dedup, no queue, no contact parsing, no
// retry.
type floorSender struct {
	client *http.Client
	urls   [messengers]string // each fake's send endpoint
}

// newFloorSender sends to w's fakes, where a bot of the phase would: the
// fakes themselves, or their fronts in the external mode.
func newFloorSender(w *world) *floorSender {
	return &floorSender{
		client: &http.Client{Transport: loopbackTransport(nil), Timeout: 10 * time.Second},
		urls: [messengers]string{
			onWhatsApp: w.apiURL[onWhatsApp] + "/waInstance" + waInstance + "/sendMessage/" + waToken,
			onMAX:      w.apiURL[onMAX] + greenapi.MAXPathPrefix + "/waInstance" + maxInstance + "/sendMessage/" + maxToken,
			onAitu:     w.apiURL[onAitu] + aitutest.BasePath + "updates/",
		},
	}
}

func (f *floorSender) close() { f.client.CloseIdleConnections() }

// greenapiMessage is the body of GREEN-API's sendMessage.
type greenapiMessage struct {
	ChatID  string `json:"chatId"`
	Message string `json:"message"`
}

// aituCommands is the body of Aitu's POST updates/ with one SendMessage.
type aituCommands struct {
	Commands []aituCommand `json:"commands"`
}

type aituCommand struct {
	Type      string   `json:"type"`
	Recipient aituPeer `json:"recipient"`
	Content   string   `json:"content"`
}

type aituPeer struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// answer sends floorText to the chat of update, a webhook of m decoded
// into any, and reports whether the provider took it.
func (f *floorSender) answer(ctx context.Context, m messenger, update any) error {
	var body any
	if m == onAitu {
		peer, ok := aituDialog(update)
		if !ok {
			return errors.New("no dialog in the Aitu update")
		}
		body = aituCommands{Commands: []aituCommand{{Type: "SendMessage", Recipient: peer, Content: floorText}}}
	} else {
		chat, ok := greenapiChat(update)
		if !ok {
			return errors.New("no senderData.chatId in the GREEN-API webhook")
		}
		body = greenapiMessage{ChatID: chat, Message: floorText}
	}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.urls[m], bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if m == onAitu {
		req.Header.Set("X-BOT-TOKEN", aituToken)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s send: %w", m, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s send: %s", m, resp.Status)
	}
	return nil
}

// greenapiChat returns senderData.chatId of a GREEN-API webhook.
func greenapiChat(update any) (string, bool) {
	sender, _ := field(update, "senderData").(map[string]any)
	chat, ok := sender["chatId"].(string)
	return chat, ok && chat != ""
}

// aituDialog returns the dialog of the first update of an Aitu batch.
func aituDialog(batch any) (aituPeer, bool) {
	updates, _ := field(batch, "updates").([]any)
	if len(updates) == 0 {
		return aituPeer{}, false
	}
	dialog, _ := field(updates[0], "dialog").(map[string]any)
	typ, _ := dialog["type"].(string)
	id, _ := dialog["id"].(string)
	return aituPeer{Type: typ, ID: id}, typ != "" && id != ""
}

// field is v[key] when v is a JSON object.
func field(v any, key string) any {
	obj, _ := v.(map[string]any)
	return obj[key]
}
