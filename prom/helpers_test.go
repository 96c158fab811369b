package prom_test

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// scrape GETs h and returns every sample of the text exposition by its
// series, as it is written: `name{label="value",…}` → value. Histograms
// give their _bucket, _sum and _count series.
func scrape(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	return parseExposition(t, rec.Body.String())
}

func parseExposition(t *testing.T, text string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		require.Positive(t, i, "sample line %q", line)
		v, err := strconv.ParseFloat(line[i+1:], 64)
		require.NoError(t, err, "sample line %q", line)
		out[line[:i]] = v
	}
	return out
}

// labelValues returns every label value of the samples, sorted.
func labelValues(series map[string]float64) []string {
	var values []string
	for s := range series {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			continue
		}
		for _, pair := range strings.Split(strings.TrimSuffix(s[open+1:], "}"), `",`) {
			_, v, _ := strings.Cut(pair, "=")
			values = append(values, strings.Trim(v, `"`))
		}
	}
	sort.Strings(values)
	return values
}
