package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// retryingDoer sends a request again when the answer says to try later (429
// with Retry-After, 502, 503, 504) or the connection failed, with capped
// exponential backoff and jitter.
//
// Only requests that are safe to repeat are retried: reads, deletes, PATCHes
// (they set fields to given values) and POSTs that carry an Idempotency-Key
// (the server answers a repeat with the first result).
type retryingDoer struct {
	client      *http.Client
	maxAttempts int
	baseDelay   time.Duration
	maxDelay    time.Duration
	sleep       func(ctx context.Context, d time.Duration) error
}

func newRetryingDoer(httpClient *http.Client) *retryingDoer {
	return &retryingDoer{
		client:      httpClient,
		maxAttempts: 5,
		baseDelay:   500 * time.Millisecond,
		maxDelay:    30 * time.Second,
		sleep:       sleepContext,
	}
}

func (d *retryingDoer) Do(request *http.Request) (*http.Response, error) {
	ctx := request.Context()
	repeatable := isRepeatable(request)
	for attempt := 1; ; attempt++ {
		attemptRequest := request
		if attempt > 1 {
			var err error
			if attemptRequest, err = rewind(request); err != nil {
				return nil, err
			}
		}
		response, err := d.client.Do(attemptRequest)
		if !repeatable || attempt >= d.maxAttempts {
			return response, err
		}
		var delay time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, err
			}
			delay = d.backoff(attempt)
		case isRetryableStatus(response.StatusCode):
			delay = retryAfter(response.Header.Get("Retry-After"), time.Now())
			if delay <= 0 {
				delay = d.backoff(attempt)
			}
			delay = min(delay, d.maxDelay)
			// The body is not needed: drain it so the connection is reused.
			_, _ = io.Copy(io.Discard, io.LimitReader(response.Body, 64*1024))
			_ = response.Body.Close()
		default:
			return response, nil
		}
		tflog.Debug(ctx, "retrying Sluice API request", map[string]any{
			"method":  request.Method,
			"url":     request.URL.String(),
			"attempt": attempt,
			"delay":   delay.String(),
			"reason":  retryReason(response, err),
		})
		if sleepErr := d.sleep(ctx, delay); sleepErr != nil {
			if err == nil {
				err = sleepErr
			}
			return nil, err
		}
	}
}

// backoff is the delay before retry number attempt: exponential, capped,
// with full jitter in its upper half so that many clients do not retry in
// step.
func (d *retryingDoer) backoff(attempt int) time.Duration {
	delay := d.baseDelay << (attempt - 1)
	if delay <= 0 || delay > d.maxDelay {
		delay = d.maxDelay
	}
	half := delay / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
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

// rewind makes a copy of request whose body can be sent again.
func rewind(request *http.Request) (*http.Request, error) {
	clone := request.Clone(request.Context())
	if request.Body == nil || request.Body == http.NoBody {
		return clone, nil
	}
	if request.GetBody == nil {
		return nil, errors.New("cannot retry a request whose body cannot be read again")
	}
	body, err := request.GetBody()
	if err != nil {
		return nil, fmt.Errorf("rewinding request body: %w", err)
	}
	clone.Body = body
	return clone, nil
}

func retryReason(response *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return response.Status
}
