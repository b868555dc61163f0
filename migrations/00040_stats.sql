-- +goose Up

-- The 基本情况 report (internal/stats) reads the few 流入 and 流出-marked members without
-- scanning every member: the 流入 members with the attributes it counts (index-only), and
-- the 流出-marked members by branch (the note on those not away at the report date).
CREATE INDEX members_inflow ON members (branch_id) INCLUDE (gender, birth_date, education, category)
    WHERE mobility = '流入';
CREATE INDEX members_marked_outflow ON members (branch_id) WHERE mobility = '流出';

-- +goose Down
DROP INDEX members_marked_outflow;
DROP INDEX members_inflow;
