package store

import "context"

// SetMobility sets a member's 流动类型 (”, 流出, 流入) and returns the previous value.
func (s *Store) SetMobility(ctx context.Context, memberID int64, mobility string) (string, error) {
	var old string
	err := s.q.GetContext(ctx, &old, `
		WITH prev AS (SELECT mobility FROM members WHERE id = $1 FOR UPDATE)
		UPDATE members m SET mobility = $2, updated_at = CASE WHEN m.mobility = $2 THEN m.updated_at ELSE now() END
		FROM prev WHERE m.id = $1 RETURNING prev.mobility`, memberID, mobility)
	return old, wrap("set member mobility", err)
}
