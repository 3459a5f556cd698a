package workorder

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hotline-dev/hotline/internal/access"
	"github.com/hotline-dev/hotline/internal/citizen"
	"github.com/hotline-dev/hotline/internal/store"
	"github.com/hotline-dev/hotline/internal/ticket"
)

// Citizen returns the profile (市民档案) of the citizen with this phone and their recent
// tickets, as p may see them, and records in the audit log who looked.
func (s *Service) Citizen(ctx context.Context, p access.Principal, phone, ip string) (*citizen.Citizen, []*ticket.Ticket, error) {
	if !p.Has(access.ViewCitizens) {
		return nil, nil, ErrForbidden
	}
	c, err := s.Store.CitizenByPhone(ctx, phone)
	if err != nil {
		return nil, nil, err
	}
	if err := s.Store.Audit(ctx, store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: "citizen.view",
		ObjectType: "citizen", ObjectID: c.ID, IP: ip}); err != nil {
		return nil, nil, err
	}
	page, err := s.List(ctx, p, store.TicketFilter{CitizenID: c.ID, Limit: 20})
	if err != nil {
		return nil, nil, err
	}
	mask(p, c)
	return c, page.Tickets, nil
}

func mask(p access.Principal, c *citizen.Citizen) {
	c.Phone = p.ShowPhone(c.Phone)
	for i, o := range c.OtherPhones {
		c.OtherPhones[i] = p.ShowPhone(o)
	}
}

// CitizenPatch changes a profile; nil fields stay as they are.
type CitizenPatch struct {
	Name            *string   `json:"name,omitempty"`
	Tags            *[]string `json:"tags,omitempty"`
	Blacklisted     *bool     `json:"blacklisted,omitempty"`
	BlacklistReason *string   `json:"blacklist_reason,omitempty"`
	Note            *string   `json:"note,omitempty"`
}

// UpdateCitizen edits a citizen's name, tags, blacklist (黑名单, reason required) or note.
// The blacklisted tag follows the blacklist flag.
func (s *Service) UpdateCitizen(ctx context.Context, p access.Principal, phone string, patch CitizenPatch) (*citizen.Citizen, error) {
	if !p.Has(access.EditCitizens) {
		return nil, ErrForbidden
	}
	c, err := s.Store.CitizenByPhone(ctx, phone)
	if err != nil {
		return nil, err
	}
	fe := ticket.FieldErrors{}
	if patch.Name != nil {
		c.Name = strings.TrimSpace(*patch.Name)
		if utf8.RuneCountInString(c.Name) > 100 {
			fe["name"] = "at most 100 characters"
		}
	}
	if patch.Tags != nil {
		if len(*patch.Tags) > 20 {
			fe["tags"] = "at most 20 tags"
		}
		c.Tags = nil
		for _, tag := range *patch.Tags {
			tag = strings.TrimSpace(tag)
			if tag == "" || utf8.RuneCountInString(tag) > 32 {
				fe["tags"] = "tags are 1 to 32 characters"
				continue
			}
			if !c.HasTag(tag) && tag != citizen.TagBlacklisted {
				c.Tags = append(c.Tags, tag)
			}
		}
	}
	if patch.Note != nil {
		c.Note = strings.TrimSpace(*patch.Note)
		if utf8.RuneCountInString(c.Note) > 2000 {
			fe["note"] = "at most 2000 characters"
		}
	}
	wasBlacklisted := c.Blacklisted
	if patch.Blacklisted != nil {
		c.Blacklisted = *patch.Blacklisted
	}
	if patch.BlacklistReason != nil {
		c.BlacklistReason = strings.TrimSpace(*patch.BlacklistReason)
	}
	if !c.Blacklisted {
		c.BlacklistReason = ""
	} else if c.BlacklistReason == "" {
		fe["blacklist_reason"] = "say why the citizen is blacklisted"
	}
	if len(fe) > 0 {
		return nil, fe
	}
	// Keep the tag list in step with the flag (the tag is what lists and screens show).
	tags := c.Tags[:0:0]
	for _, t := range c.Tags {
		if t != citizen.TagBlacklisted {
			tags = append(tags, t)
		}
	}
	if c.Blacklisted {
		tags = append(tags, citizen.TagBlacklisted)
	}
	c.Tags = tags
	action := "citizen.edit"
	switch {
	case c.Blacklisted && !wasBlacklisted:
		action = "citizen.blacklist"
	case !c.Blacklisted && wasBlacklisted:
		action = "citizen.unblacklist"
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveCitizen(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{Actor: p.Username, Role: string(p.Role), Action: action,
			ObjectType: "citizen", ObjectID: c.ID, Detail: fmt.Sprintf("tags=%v %s", c.Tags, c.BlacklistReason)})
	})
	if err != nil {
		return nil, err
	}
	mask(p, c)
	return c, nil
}

// PhoneInfo tells what is known of a number before (or besides) its profile: mobile or
// landline, the carrier, and the place from the centre's number-place table (号码归属地).
func (s *Service) PhoneInfo(ctx context.Context, p access.Principal, raw string) (citizen.PhoneInfo, error) {
	if !p.Has(access.ViewCitizens) {
		return citizen.PhoneInfo{}, ErrForbidden
	}
	info, err := s.Store.PhoneInfo(ctx, raw)
	if err == nil && info.Kind == citizen.KindUnknown {
		err = ticket.FieldErrors{"number": "digits of a phone number"}
	}
	return info, err
}
