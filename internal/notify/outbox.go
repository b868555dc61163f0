// Package notify is the only way liudong sends anything that is not a direct reply: jobs and
// handlers enqueue rows in the outbox (unique per kind, recipient and period), and the
// dispatcher delivers them through the platform.
package notify

import (
	"context"
	"fmt"
	"time"

	"liudong/internal/store"
)

// Message is a notification to enqueue. Exactly one of MemberID, OrgUnitID and ContactID (an
// organization contact outside the committee) is set.
type Message struct {
	Kind      string // e.g. "report.reminder", "departure.secretary"
	Period    string // what makes it unique for the recipient: "2026Q4", "2026-11", an event id
	MemberID  int64
	OrgUnitID int64
	ContactID int64
	Text      string
	Image     []byte
	// Scheduled messages wait out quiet hours; event notifications (a member just reported a
	// departure) are sent at once.
	Scheduled bool
	NotBefore time.Time
}

// Recipient is the outbox key's recipient: "member:ID", "org:ID" or "contact:ID".
func (m Message) Recipient() string {
	switch {
	case m.MemberID != 0:
		return fmt.Sprintf("member:%d", m.MemberID)
	case m.ContactID != 0:
		return fmt.Sprintf("contact:%d", m.ContactID)
	}
	return fmt.Sprintf("org:%d", m.OrgUnitID)
}

func (m Message) row() (*store.Notification, error) {
	set := 0
	for _, id := range []int64{m.MemberID, m.OrgUnitID, m.ContactID} {
		if id != 0 {
			set++
		}
	}
	if set != 1 {
		return nil, fmt.Errorf("notify: %s: want exactly one of member, org unit and contact", m.Kind)
	}
	if m.Kind == "" || m.Period == "" {
		return nil, fmt.Errorf("notify: kind and period are required")
	}
	n := &store.Notification{
		Kind:       m.Kind,
		Recipient:  m.Recipient(),
		Period:     m.Period,
		Body:       m.Text,
		Image:      m.Image,
		QuietHours: m.Scheduled,
		NotBefore:  m.NotBefore,
	}
	switch {
	case m.MemberID != 0:
		n.MemberID = &m.MemberID
	case m.ContactID != 0:
		n.ContactID = &m.ContactID
	default:
		n.OrgUnitID = &m.OrgUnitID
	}
	if n.NotBefore.IsZero() {
		n.NotBefore = time.Now()
	}
	return n, nil
}

// EnqueueBatch inserts many text notifications in a few statements (jobs: no per-member round
// trips), skipping keys already in the outbox; it returns the ids of the rows inserted.
// st may be a transaction.
func EnqueueBatch(ctx context.Context, st *store.Store, ms []Message) ([]int64, error) {
	rows := make([]store.Notification, 0, len(ms))
	for _, m := range ms {
		if len(m.Image) > 0 {
			return nil, fmt.Errorf("notify: %s: images go through Enqueue", m.Kind)
		}
		n, err := m.row()
		if err != nil {
			return nil, err
		}
		rows = append(rows, *n)
	}
	return st.EnqueueNotifications(ctx, rows)
}

// Enqueue inserts the notification unless its key is already in the outbox; it returns the
// row id when inserted (0 for a repeat). st may be a transaction.
func Enqueue(ctx context.Context, st *store.Store, m Message) (int64, error) {
	n, err := m.row()
	if err != nil {
		return 0, err
	}
	inserted, err := st.EnqueueNotification(ctx, n)
	if err != nil || !inserted {
		return 0, err
	}
	return n.ID, nil
}
