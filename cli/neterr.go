package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"strings"
	"syscall"
)

// networkWords rewrites the raw transport error inside err (Go's
// `Post "http://…/v1/sessions": dial tcp …: connect: connection refused`)
// as what a person can act on: "can't reach http://…: connection refused —
// is earshot-server running there? check --server". The rest of the message
// (what was being done, what waits) stays. ok is false when err has none.
func networkWords(err error) (string, bool) {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "", false
	}
	server := ue.URL
	if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
		server = u.Scheme + "://" + u.Host
	}
	words := "can't reach " + server + ": " + networkReason(ue.Err)
	return strings.Replace(err.Error(), ue.Error(), words, 1), true
}

func networkReason(err error) string {
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused — is earshot-server running there? check --server"
	case errors.As(err, &dns):
		return "no such host — check the address given with --server"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "no route to it — is this computer online?"
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "no answer in time — a slow link, or a firewall in the way; try again"
	case errors.Is(err, syscall.ECONNRESET):
		return "the connection was cut — try again"
	case errors.As(err, &unknownCA), errors.As(err, &hostname):
		return "its TLS certificate is not one this computer trusts — check --server (https://…) and the certificate"
	}
	return "the connection failed (" + err.Error() + ")"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// unreachable says that server could not be reached, and why, in words.
func unreachable(server string, err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return "can't reach " + server + ": " + networkReason(ue.Err)
	}
	return "can't reach " + server + " (" + oneLine(err.Error()) + ")"
}
