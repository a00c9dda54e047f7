package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
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
	doer.sleep = func(context.Context, time.Duration) error { return nil }

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
	var delays []time.Duration
	doer.sleep = func(_ context.Context, d time.Duration) error {
		delays = append(delays, d)
		return nil
	}

	request, _ := http.NewRequest(http.MethodGet, server.URL+"/v1/sources", nil)
	response, err := doer.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	_ = response.Body.Close()

	if int(calls.Load()) != doer.maxAttempts || response.StatusCode != http.StatusBadGateway {
		t.Fatalf("got %d calls and %d; want %d calls, the last answer returned", calls.Load(), response.StatusCode, doer.maxAttempts)
	}
	for i, delay := range delays {
		if delay <= 0 || delay > doer.maxDelay {
			t.Errorf("delay %d is %s", i, delay)
		}
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
