package apierr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cardbot/cardbot/internal/apierr"
)

func TestKinds(t *testing.T) {
	errAuth, errBusy := errors.New("auth"), errors.New("busy")
	kinds := apierr.Kinds{apierr.Unauthorized: errAuth, apierr.Transient: errBusy}
	tests := []struct {
		status int
		cause  error
		want   error
	}{
		{401, nil, errAuth},
		{503, nil, errBusy},
		{0, errors.New("connection reset"), errBusy},
		{0, permanentErr{}, nil},
		{404, nil, nil},
		{501, nil, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, " ", tt.cause), func(t *testing.T) {
			assert.Equal(t, tt.want, kinds.Of(tt.status, tt.cause))
		})
	}
}
