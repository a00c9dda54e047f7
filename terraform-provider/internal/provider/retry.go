package provider

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// retryingDoer sends a request again when the answer says to try later (429,
// 502, 503, 504, honouring Retry-After) or the connection failed, with capped
// exponential backoff and jitter.
//
// The loop is go-retryablehttp's: it resends the body, drains an answer it
// drops so that the connection is reused, and stops waiting when the
// request's context ends. Sluice's policy is below: which requests, answers
// and errors are retried (retryPolicy), how long to wait (backoff), and what
// the last attempt returns (lastAttempt).
//
// Only requests that are safe to repeat are retried: reads, deletes, PATCHes
// (they set fields to given values) and POSTs that carry an Idempotency-Key
// (the server answers a repeat with the first result).
type retryingDoer struct {
	httpClient *http.Client
	// retryMax is the number of retries after the first attempt.
	retryMax  int
	baseDelay time.Duration
	maxDelay  time.Duration
	// backoff is the wait before a retry; tests replace it to wait no time.
	backoff retryablehttp.Backoff
}

func newRetryingDoer(httpClient *http.Client) *retryingDoer {
	return &retryingDoer{
		httpClient: httpClient,
		retryMax:   4,
		baseDelay:  500 * time.Millisecond,
		maxDelay:   30 * time.Second,
		backoff:    backoff,
	}
}

func (d *retryingDoer) Do(request *http.Request) (*http.Response, error) {
	if !isRepeatable(request) {
		return d.httpClient.Do(request)
	}
	// Reads the body into memory, so that every attempt sends it again.
	retryable, err := retryablehttp.FromRequest(request)
	if err != nil {
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	// A client per request: its log lines go to the request's context, where
	// Terraform's logger is. It holds no connections of its own.
	client := &retryablehttp.Client{
		HTTPClient:   d.httpClient,
		Logger:       debugLogger{ctx: request.Context()},
		RetryWaitMin: d.baseDelay,
		RetryWaitMax: d.maxDelay,
		RetryMax:     d.retryMax,
		CheckRetry:   retryPolicy,
		Backoff:      d.backoff,
		ErrorHandler: lastAttempt,
	}
	return client.Do(retryable)
}

// retryPolicy says whether an attempt is retried: after a failed connection
// or a timeout, and after an answer that says to try later. Never once the
// request's context has ended: then the attempt's own answer or error is
// returned.
func retryPolicy(ctx context.Context, response *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, nil
	}
	if err != nil {
		// Retries connection failures and timeouts, not errors that would
		// come again (an unsupported scheme, too many redirects, an
		// untrusted certificate).
		return retryablehttp.DefaultRetryPolicy(ctx, response, err)
	}
	return isRetryableStatus(response.StatusCode), nil
}

// backoff is the delay before retry number retry (0 for the first): the
// answer's Retry-After when it has one, else exponential from baseDelay, both
// capped at maxDelay, with full jitter in the upper half of the exponential
// delay so that many clients do not retry in step.
func backoff(baseDelay, maxDelay time.Duration, retry int, response *http.Response) time.Duration {
	if response != nil {
		if delay := retryAfter(response.Header.Get("Retry-After"), time.Now()); delay > 0 {
			return min(delay, maxDelay)
		}
	}
	delay := baseDelay << retry
	if delay <= 0 || delay > maxDelay {
		delay = maxDelay
	}
	half := delay / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// lastAttempt is what a request returns once it may not be retried again:
// the last answer as it came (the caller reports its status and problem), or
// the last attempt's error.
func lastAttempt(response *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		if response != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(response.Body, 64*1024))
			_ = response.Body.Close()
		}
		return nil, err
	}
	return response, nil
}

func isRepeatable(request *http.Request) bool {
	switch request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete, http.MethodPatch, http.MethodPut:
		return true
	case http.MethodPost:
		return request.Header.Get("Idempotency-Key") != ""
	default:
		return false
	}
}

func isRetryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	default:
		return false
	}
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date;
// zero when absent or unreadable.
func retryAfter(header string, now time.Time) time.Duration {
	if header == "" {
		return 0
	}
	if seconds, err := strconv.Atoi(header); err == nil {
		if seconds < 0 {
			return 0
		}
		return time.Duration(seconds) * time.Second
	}
	if at, err := http.ParseTime(header); err == nil {
		return max(at.Sub(now), 0)
	}
	return 0
}

// debugLogger passes go-retryablehttp's log lines (the request, a failed
// attempt, the retry with its wait) to Terraform's log at debug level: an
// attempt that is retried is no error of the run.
type debugLogger struct {
	ctx context.Context
}

func (l debugLogger) Error(message string, keysAndValues ...any) { l.log(message, keysAndValues) }
func (l debugLogger) Info(message string, keysAndValues ...any)  { l.log(message, keysAndValues) }
func (l debugLogger) Debug(message string, keysAndValues ...any) { l.log(message, keysAndValues) }
func (l debugLogger) Warn(message string, keysAndValues ...any)  { l.log(message, keysAndValues) }

func (l debugLogger) log(message string, keysAndValues []any) {
	fields := make(map[string]any, len(keysAndValues)/2)
	for i := 0; i+1 < len(keysAndValues); i += 2 {
		fields[fmt.Sprint(keysAndValues[i])] = keysAndValues[i+1]
	}
	tflog.Debug(l.ctx, "Sluice API: "+message, fields)
}
