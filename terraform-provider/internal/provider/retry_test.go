package provider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestCreateRetriesWithTheSameIdempotencyKey(t *testing.T) {
	fake, apiClient := startFake(t)
	fake.failNext = []int{http.StatusServiceUnavailable, http.StatusTooManyRequests}

	createFakeSource(t, fake, apiClient)

	attempts := fake.requestsTo(http.MethodPost, "/v1/sources")
	if len(attempts) != 3 {
		t.Fatalf("got %d attempts, want 3 (two refused, one created)", len(attempts))
	}
	key := attempts[0].IdempotencyKey
	if key == "" {
		t.Fatal("the create sent no Idempotency-Key")
	}
	for _, attempt := range attempts[1:] {
		if attempt.IdempotencyKey != key {
			t.Errorf("a retry sent key %q, the first attempt %q", attempt.IdempotencyKey, key)
		}
	}
	if len(fake.sources) != 1 {
		t.Errorf("%d sources exist, want 1", len(fake.sources))
	}
}

func TestEveryCreateHasItsOwnIdempotencyKey(t *testing.T) {
	fake, apiClient := startFake(t)

	first := createFakeSource(t, fake, apiClient)
	second := plannedSource("invoices")
	response := create(t, &sourceResource{client: apiClient}, sourceResourceSchema(), second, nil)
	if response.Diagnostics.HasError() {
		t.Fatal(response.Diagnostics)
	}

	attempts := fake.requestsTo(http.MethodPost, "/v1/sources")
	if len(attempts) != 2 || attempts[0].IdempotencyKey == attempts[1].IdempotencyKey {
		t.Fatalf("two creates (of %s and invoices) sent keys %+v", first.Name, attempts)
	}
}

func TestPostWithoutIdempotencyKeyIsNotRetried(t *testing.T) {
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer server.Close()
	doer := newRetryingDoer(server.Client())
	doer.backoff = noWait

	request, _ := http.NewRequest(http.MethodPost, server.URL+"/v1/consumers/orders/receive", strings.NewReader("{}"))
	response, err := doer.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	_ = response.Body.Close()

	if calls.Load() != 1 || response.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("got %d calls and %d; want 1 call answered 503", calls.Load(), response.StatusCode)
	}
}

func TestRetriesStopAfterMaxAttempts(t *testing.T) {
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer server.Close()
	doer := newRetryingDoer(server.Client())
	delays := recordDelays(doer)

	request, _ := http.NewRequest(http.MethodGet, server.URL+"/v1/sources", nil)
	response, err := doer.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	_ = response.Body.Close()

	if attempts := doer.retryMax + 1; int(calls.Load()) != attempts || attempts != 5 || response.StatusCode != http.StatusBadGateway {
		t.Fatalf("got %d calls and %d; want 5 calls, the last answer returned", calls.Load(), response.StatusCode)
	}
	if len(*delays) != doer.retryMax {
		t.Errorf("waited %d times, want %d", len(*delays), doer.retryMax)
	}
	for i, delay := range *delays {
		if delay <= 0 || delay > doer.maxDelay {
			t.Errorf("delay %d is %s", i, delay)
		}
	}
}

func TestOnlyAnswersThatSayTryLaterAreRetried(t *testing.T) {
	tests := map[int]int{
		http.StatusTooManyRequests:     2,
		http.StatusBadGateway:          2,
		http.StatusServiceUnavailable:  2,
		http.StatusGatewayTimeout:      2,
		http.StatusBadRequest:          1,
		http.StatusNotFound:            1,
		http.StatusConflict:            1,
		http.StatusInternalServerError: 1,
		http.StatusNotImplemented:      1,
	}
	for status, wantCalls := range tests {
		var calls atomic.Int32
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if calls.Add(1) == 1 {
				w.WriteHeader(status)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		doer := newRetryingDoer(server.Client())
		doer.backoff = noWait

		request, _ := http.NewRequest(http.MethodDelete, server.URL+"/v1/sources/orders", nil)
		response, err := doer.Do(request)
		server.Close()
		if err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		_ = response.Body.Close()

		if int(calls.Load()) != wantCalls {
			t.Errorf("first answer %d: %d calls, want %d", status, calls.Load(), wantCalls)
		}
		if wantCalls == 1 && response.StatusCode != status {
			t.Errorf("first answer %d: returned %d", status, response.StatusCode)
		}
	}
}

func TestRetryResendsTheBodyAfterRetryAfter(t *testing.T) {
	var bodies []string
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, request *http.Request) {
		body, _ := io.ReadAll(request.Body)
		bodies = append(bodies, request.Header.Get("Idempotency-Key")+" "+string(body))
		if len(bodies) == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer server.Close()
	doer := newRetryingDoer(server.Client())
	delays := recordDelays(doer)

	request, _ := http.NewRequest(http.MethodPost, server.URL+"/v1/sources", strings.NewReader(`{"name":"orders"}`))
	request.Header.Set("Idempotency-Key", "tf-1")
	response, err := doer.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	_ = response.Body.Close()

	want := []string{`tf-1 {"name":"orders"}`, `tf-1 {"name":"orders"}`}
	if response.StatusCode != http.StatusCreated || !reflect.DeepEqual(bodies, want) {
		t.Fatalf("got %d after sending %q; want 201 after sending %q", response.StatusCode, bodies, want)
	}
	if !reflect.DeepEqual(*delays, []time.Duration{7 * time.Second}) {
		t.Errorf("waited %s, want the 7s of Retry-After", *delays)
	}
}

func TestFailedConnectionIsRetried(t *testing.T) {
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			// Closes the connection without an answer.
			connection, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = connection.Close()
			}
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer server.Close()
	doer := newRetryingDoer(server.Client())
	doer.backoff = noWait

	request, _ := http.NewRequest(http.MethodGet, server.URL+"/v1/sources", nil)
	response, err := doer.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	_ = response.Body.Close()

	if calls.Load() != 2 || response.StatusCode != http.StatusOK {
		t.Fatalf("got %d calls and %d; want 2 calls, the second answered 200", calls.Load(), response.StatusCode)
	}
}

func TestCancelledContextEndsTheWait(t *testing.T) {
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer server.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	doer := newRetryingDoer(server.Client())
	// Terraform is interrupted (Ctrl-C) while the provider waits an hour.
	doer.backoff = func(time.Duration, time.Duration, int, *http.Response) time.Duration {
		cancel()
		return time.Hour
	}

	request, _ := http.NewRequestWithContext(ctx, http.MethodGet, server.URL+"/v1/sources", nil)
	started := time.Now()
	response, err := doer.Do(request)

	if !errors.Is(err, context.Canceled) || response != nil {
		t.Fatalf("got %v and %v; want the context's cancellation", response, err)
	}
	if calls.Load() != 1 || time.Since(started) > 10*time.Second {
		t.Errorf("%d calls in %s; want 1, at once", calls.Load(), time.Since(started))
	}
}

func TestBackoff(t *testing.T) {
	base, maxDelay := 500*time.Millisecond, 30*time.Second
	for retry, exponential := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second} {
		if delay := backoff(base, maxDelay, retry, nil); delay < exponential/2 || delay > exponential {
			t.Errorf("retry %d waits %s, want %s to %s", retry, delay, exponential/2, exponential)
		}
	}
	for header, want := range map[string]time.Duration{"7": 7 * time.Second, "120": maxDelay} {
		answer := &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {header}}}
		if delay := backoff(base, maxDelay, 0, answer); delay != want {
			t.Errorf("Retry-After: %s waits %s, want %s", header, delay, want)
		}
	}
	answer := &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{"Retry-After": {"0"}}}
	if delay := backoff(base, maxDelay, 0, answer); delay < base/2 || delay > base {
		t.Errorf("Retry-After: 0 waits %s, want the exponential delay", delay)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		"-3":                            0,
		"soon":                          0,
		"Fri, 02 Jan 2026 03:04:15 GMT": 10 * time.Second,
		"Fri, 02 Jan 2026 03:04:00 GMT": 0,
	}
	for header, want := range tests {
		if got := retryAfter(header, now); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", header, got, want)
		}
	}
}

// noWait is a backoff for tests: retries at once.
func noWait(time.Duration, time.Duration, int, *http.Response) time.Duration {
	return 0
}

// recordDelays makes doer retry at once and returns the delays its backoff
// asked for.
func recordDelays(doer *retryingDoer) *[]time.Duration {
	delays := &[]time.Duration{}
	doer.backoff = func(baseDelay, maxDelay time.Duration, retry int, response *http.Response) time.Duration {
		*delays = append(*delays, backoff(baseDelay, maxDelay, retry, response))
		return 0
	}
	return delays
}
