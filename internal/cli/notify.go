package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"os"
	"strings"

	"github.com/hotline-dev/hotline/internal/mail"
	"github.com/hotline-dev/hotline/internal/outbox"
	"github.com/hotline-dev/hotline/internal/sla"
	"github.com/hotline-dev/hotline/internal/smpp"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/workorder"
)

// gatewayFlags configure the SMS and e-mail gateways the notification outbox sends through.
type gatewayFlags struct {
	smpp, smppUser, smppPassword, smppSource *string
	smtp, smtpUser, smtpPassword, smtpFrom   *string
	smtpCA                                   *string
	lookupURL                                *string
}

func (g *gatewayFlags) register(fs *flag.FlagSet) {
	g.smpp = fs.String("smpp", "", "SMPP 3.4 gateway host:port for SMS (empty: SMS stay queued)")
	g.smppUser = fs.String("smpp-user", "", "SMPP system_id")
	g.smppPassword = fs.String("smpp-password", "", "SMPP password")
	g.smppSource = fs.String("smpp-source", "12345", "sender number of outgoing SMS")
	g.smtp = fs.String("smtp", "", "SMTP relay host:port for e-mail, STARTTLS required (empty: e-mail stays queued)")
	g.smtpUser = fs.String("smtp-user", "", "SMTP user (empty: no AUTH)")
	g.smtpPassword = fs.String("smtp-password", "", "SMTP password")
	g.smtpCA = fs.String("smtp-ca", "", "PEM file of extra CA certificates to trust for the relay's STARTTLS (a private CA)")
	g.smtpFrom = fs.String("smtp-from", "12345热线 <hotline@example.gov.cn>", "From address of outgoing e-mail")
	g.lookupURL = fs.String("lookup-url", "", "the citizens' progress look-up page, quoted in receipt messages")
}

// startNotifications runs the outbox worker over the configured gateways and routes inbound
// SMS survey answers to the ticket's callback. With no gateway, nothing is sent: messages
// wait in the outbox (visible over the API) until one is configured.
func startNotifications(ctx context.Context, g gatewayFlags, st *store.Store, svc *workorder.Service, clock *sla.SLA,
	log *slog.Logger) (stop func(), err error) {
	clock.LookupURL = *g.lookupURL
	senders := map[string]outbox.Sender{}
	var closers []func()
	stop = func() {
		for _, c := range closers {
			c()
		}
	}
	if *g.smpp != "" {
		surveys := &outbox.Surveys{Store: st, Service: svc, Log: log}
		receipts := &outbox.Receipts{Store: st, Log: log}
		client, err := smpp.New(smpp.Config{Addr: *g.smpp, SystemID: *g.smppUser, Password: *g.smppPassword,
			Source: *g.smppSource, OnMessage: surveys.OnMessage, OnReceipt: receipts.OnReceipt, Logger: log})
		if err != nil {
			return stop, fmt.Errorf("smpp: %w", err)
		}
		closers = append(closers, func() { client.Close() })
		senders["sms"] = outbox.SMS{Client: client}
	}
	if *g.smtp != "" {
		from, err := netmail.ParseAddress(*g.smtpFrom)
		if err != nil {
			return stop, fmt.Errorf("--smtp-from: %w", err)
		}
		var tlsConf *tls.Config
		if *g.smtpCA != "" {
			pool, err := x509.SystemCertPool()
			if err != nil {
				pool = x509.NewCertPool()
			}
			pem, err := os.ReadFile(*g.smtpCA)
			if err != nil {
				return stop, fmt.Errorf("--smtp-ca: %w", err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return stop, fmt.Errorf("--smtp-ca: no PEM certificate in %s", *g.smtpCA)
			}
			tlsConf = &tls.Config{RootCAs: pool}
		}
		m, err := mail.NewSMTP(mail.Config{Addr: *g.smtp, Username: *g.smtpUser, Password: *g.smtpPassword, From: *from, TLS: tlsConf})
		if err != nil {
			return stop, fmt.Errorf("smtp: %w", err)
		}
		senders["email"] = outbox.Email{Client: m}
	}
	if len(senders) == 0 {
		log.Info("outbox: no SMS or e-mail gateway configured; notifications wait in the outbox")
		return stop, nil
	}
	host, _ := os.Hostname()
	w := &outbox.Worker{Store: st, Senders: senders, Node: host, Log: log}
	clock.OnEnqueue = w.Notify
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(runCtx) }()
	// The worker stops before the gateways it sends through are closed.
	closers = append([]func(){func() { cancel(); <-done }}, closers...)
	names := make([]string, 0, len(senders))
	for k := range senders {
		names = append(names, k)
	}
	log.Info("outbox: sending", "channels", strings.Join(names, ","))
	return stop, nil
}
