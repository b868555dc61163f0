// Package wechat connects liudong to a personal WeChat account through
// github.com/eatmoreapple/openwechat (v1.4.10, web protocol, Desktop mode). It is the only
// importer of openwechat: Platform implements bot.Platform and no SDK type leaves the package.
//
// Login. Run keeps the account logged in: a hot login with the session stored by a
// SessionStore (RedisSessions: one Redis key per account, encrypted), else a QR code drawn on
// Options.QR and logged at error level. WeChat ends sessions with sync retcodes 1100/1101/1102;
// then the adapter builds a fresh openwechat Bot (they are single use), tries the stored session
// with backoff while the errors are transient, and falls back to a QR code once WeChat refuses
// it. Repeated 1102 right after login is reported as the account being restricted. Health says
// which state it is in (/healthz).
//
// After every login, before any message is handled or sent, Options.OnLogin gets the friends
// with their new handles (WeChat mints new UserNames at every login) and re-resolves the bound
// chat identities (internal/member.Reresolve).
//
// Inbound. openwechat's single sync goroutine calls the message handler and does not poll while
// it runs, so the handler only reads the message and queues it; Options.Workers handle the
// queue, each sender always on the same worker. A full queue blocks the handler, which pauses
// polling: WeChat keeps the messages meanwhile. The stored session (with the SyncKey that
// acknowledges messages to WeChat) is saved only once the messages before it are handled, so a
// crash loses nothing: the next hot login fetches them again and the app's inbound dedupe drops
// the ones already handled. System messages and the account's own are ignored; group text is
// read from the wire form (openwechat garbles "xx:\n" in groups); shared locations become
// bot.Message.Location; friend requests are accepted (Options.AutoAcceptFriends) and greeted.
//
// Outbound. Send takes friends by handle and groups by handle or name; every send waits for
// the Throttle (a stand-in interval limiter until internal/notify's per-account throttle), and
// WeChat's 1205 "operate too often" pauses every send with a growing backoff. While logged out,
// Send fails with bot.ErrUnavailable after OfflineWait: the outbox dispatcher keeps the message
// without counting an attempt, and resends it after the re-login, resolved to the new handle.
//
// openwechat is not safe for concurrent use: every call the adapter makes holds one lock, its
// contact cache is only touched on the sync goroutine, and sends use its stateless Caller. See
// wxfake's package documentation for what was learnt about openwechat v1.4.10 and WeChat web.
package wechat
