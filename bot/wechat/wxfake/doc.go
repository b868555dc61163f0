// Package wxfake is an in-process fake of the WeChat web protocol, to run
// the real github.com/eatmoreapple/openwechat (v1.4.10) against in tests.
//
//	fake := wxfake.New(wxfake.Options{Self: ..., Friends: ..., Groups: ..., AutoConfirm: true})
//	defer fake.Close() // after the bot is stopped
//	bot := openwechat.DefaultBot(openwechat.Desktop, openwechat.WithContextOption(ctx))
//	bot.UUIDCallback = func(string) {} // the default one runs xdg-open
//	fake.Install(bot)
//	err := bot.Login() // or HotLogin / PushLogin
//	fake.SendGroupText("alerts", "赵六", "逾期")
//	sent, err := fake.WaitSent(1, time.Second)
//
// The Fake is an http.RoundTripper: requests keep their real URLs
// (login.wx.qq.com, wx.qq.com, file.wx.qq.com, webpush.wx.qq.com, or the
// wx2 variants), so openwechat's cookie jar behaves as against WeChat, and
// nothing leaves the process. It serves jslogin, qrcode, login (408/201/200/
// 400 long poll), webwxnewloginpage (with the UOS desktop-header check and
// the wxuin/wxsid/webwx_data_ticket/webwx_auth_ticket cookies),
// webwxpushloginurl, webwxinit, webwxstatusnotify, synccheck, webwxsync,
// webwxgetcontact (paged by Seq), webwxbatchgetcontact, webwxsendmsg,
// webwxuploadmedia (chunked), webwxsendmsgimg, webwxverifyuser, webwxlogout,
// webwxgeticon/webwxgetheadimg and webwxgetmsgimg. Anything else is answered
// 404 and listed by Unhandled (e.g. webwxrevokemsg, webwxsendappmsg, files,
// emoticons, videos, group management). It starts no goroutines.
//
// Where WeChat's exact answer is unknown the fake picks one: bad login
// ticket ret 1203 "check ticket failed"; refused push login
// {"ret":"1","msg":"push login refused"}; bad webwx_data_ticket on upload
// Ret 1102; bad verify ticket Ret 1; HTML escaping of message content limited
// to & < >; OriContent of locations HTML-escaped XML.
//
// # What the adapter needs to know about openwechat v1.4.10
//
// HTTP client. bot.Caller.Client.HTTPClient() is the *http.Client (30 s
// timeout, redirects not followed); set its Transport before logging in.
// bot.Caller.Client.Jar() is the *openwechat.Jar, replaced by HotLogin.
// Transport errors are retried 5 times at once, then returned joined with
// openwechat.NetworkErr (test with openwechat.IsNetworkError).
// bot.Caller.Client.Domain is the host of the login redirect (wx.qq.com or
// wx2.qq.com); uploads go to file.<Domain>, synccheck to webpush.<Domain>.
// Use openwechat.Desktop: it adds the client-version/extspam headers to
// webwxnewloginpage; without them most accounts get ret 1203 and Login
// returns errors.New("为了你的帐号安全，此微信号不能登录网页微信…"). DefaultBot
// sets UUIDCallback to PrintlnQrcodeUrl, which execs xdg-open, and a
// SyncCheckCallback that logs every poll: replace both.
//
// A Bot is single-use: once its context is done (kick-out, Exit, cancel) a
// new Login fails with "context canceled". Build a new Bot for every login.
//
// Login. Login: jslogin, UUIDCallback(uuid), login polls (ScanCallBack on
// 201, carrying the avatar), webwxnewloginpage, webwxinit, dump to the hot
// storage if one is set, webwxstatusnotify, start of the sync goroutine,
// LoginCallBack. An expired QR code gives openwechat.ErrLoginTimeout.
// HotLogin(storage, opts...) decodes one JSON HotReloadStorageItem {Jar,
// BaseRequest, LoginInfo, WechatDomain, SyncKey, UUID} with a single
// json.Decoder.Decode and calls webwxinit directly; a dead session gives
// "init user info: failed login check" wrapping openwechat.Ret(1101). With
// openwechat.NewRetryLoginOption() any failure (also an empty or missing
// storage) falls back to a QR Login. PushLogin(storage, opts...) reloads,
// calls webwxpushloginurl (needs the webwx_auth_ticket cookie), and waits for
// the phone to confirm (login poll with tip=1, no 201); its failure is
// errors.New(msg). The storage is written after login and after every
// webwxsync, from the sync goroutine, by one Write of the whole JSON: a
// storage must replace its content on Write and read from the start (a
// bytes.Buffer appends and serves the oldest dump). The file storage keeps
// its handle: once it has written, reading it again in the same process gives
// EOF, so open a new NewFileHotReloadStorage for every HotLogin.
//
// Hot login keeps the session: same UserNames, and the stored SyncKey brings
// the messages that arrived while the bot was down. But openwechat's Jar dump
// keeps cookies per host without their Domain: after HotLogin,
// file.wx.qq.com has no webwx_data_ticket and every image send fails with
// openwechat.ErrWebWxDataTicketNotFound. Workaround, right after HotLogin:
//
//	jar := bot.Caller.Client.Jar()
//	jar.SetCookies(fileURL, jar.Cookies(baseURL)) // https://file.<Domain>/, https://<Domain>/
//
// UserNames ("@…" people, "@@…" groups) are minted per login session: every
// QR or push login gives every contact new ones; a new login kicks the old
// session (1101). A UserName from another session fails with Ret 1204. The
// stable hints: NickName, RemarkName, AvatarID() (the seq of HeadImgUrl for
// contacts, the Uin for the account itself), AttrStatus, and for groups their
// name. Group members that are not friends have no HeadImgUrl (AvatarID()
// is ""); their hints are NickName and DisplayName. Only a friend request
// shows a real account id (fromusername="wxid_…" in its XML).
//
// Messages. The MessageHandler runs on the single sync goroutine, one message
// at a time, without recover; while it runs there is no synccheck. Keep it
// short and hand messages off. After every login the first message is a
// MsgType 51 status notice from the account to itself (msg.StatusNotify()):
// ignore it. The same MsgId can arrive twice: dedupe.
//
//   - Content is processed: <br/> becomes "\n", HTML is unescaped, emoji spans
//     become runes. RawContent is the wire form.
//   - Group messages: FromUserName is the group ("@@…"); RawContent is
//     "@memberUserName:<br/>text". openwechat splits on every ":<br/>" and
//     joins the rest with "": a member's "汇报:\n思想…" reaches Content as
//     "汇报思想…". Take group text from RawContent: cut at the first ":<br/>",
//     replace <br/> by "\n", html.UnescapeString, openwechat.FormatEmoji.
//     Sender() is the group; SenderInGroup() is the member (*User with
//     UserName, NickName, DisplayName, AttrStatus), found in the group's
//     MemberList, refreshed by webwxbatchgetcontact when missing.
//   - The account's own messages typed on the phone arrive with FromUserName
//     = the account (IsSendBySelf; IsSelfSendToGroup in groups).
//   - Locations: IsLocation() (MsgType 1, SubMsgType 48). Coordinates are in
//     Url (…geocoder?coord=LAT,LNG) and in OriContent (HTML-escaped XML
//     <location x="LAT" y="LNG" label="…">). Content is "label:\n/cgi-bin/…";
//     in groups "label/cgi-bin/…" (the split above eats the separator).
//   - Friend requests: IsFriendAdd() (MsgType 37 from "fmessage"),
//     RecommendInfo{UserName, NickName, Ticket, Content},
//     FriendAddMessageContent(); Agree() calls webwxverifyuser and then
//     webwxbatchgetcontact, returning the *Friend. A system message
//     "你已添加了X，现在可以开始聊天了。" follows from the new friend.
//   - System messages: MsgType 10000 (IsSystem, IsJoinGroup, ...);
//     SenderInGroup() fails on them.
//   - User.IsFriend() only checks the "@" prefix and VerifyFlag: strangers
//     met in groups are "friends" too. Use membership in Friends().
//   - Groups not saved to the address book are missing from Groups() until
//     one of their messages arrives (openwechat then appends them).
//   - openwechat ignores ModContactList: renamed or newly added contacts stay
//     stale in its cache until Friends(true) / Members(true).
//
// Errors. Sends answer openwechat.Ret (an int type; errors.As(err, &ret)):
// 1205 "operate too often" (back off and retry), 1204 "Ret(1204)" (UserName
// of another session, a stranger, the account itself), 1100/1101/1102 once
// the session is over. The sync loop turns a synccheck retcode into
// openwechat.Ret; the default MessageErrorHandler stops the bot
// (ExitWith) on 1100 "failed login warn", 1101 "failed login check" and
// 1102 "cookie invalid", so CrashReason() is that Ret; it swallows every other
// error (network ones included) and polls again at once, a busy loop while
// the network is down: install a MessageErrorHandler that backs off. WeChat's
// retcodes: 1101 logged in elsewhere or expired, 1102 logged out on the phone
// (desktop mode) or by webwxlogout, 1100 logged out (older clients).
// bot.Logout() sends webwxlogout, whose answer is a redirect, not JSON: it
// returns io.EOF without ExitWith, and the loop then ends with Ret 1102.
//
// Concurrency (checked with -race against this fake):
//   - Bot.Block reads Bot.self, which ExitWith on the sync goroutine writes:
//     a data race. Wait with <-bot.Context().Done() and read CrashReason().
//   - Bot.Exit, ExitWith and Logout, called from another goroutine, write
//     Bot.self while the loop reads it: a data race. Stop a bot by cancelling
//     the context given with openwechat.WithContextOption (CrashReason then
//     stays nil).
//   - Self.Members/Friends/Groups/Mps fill and sort the contact cache in
//     place, and the message processors (group messages, @-detection,
//     Sender, SenderInGroup) touch it on the sync goroutine. Use the cache
//     only inside the MessageHandler. To send from other goroutines use the
//     stateless calls with UserNames learnt there:
//     bot.Caller.WebWxSendMsg(ctx, &openwechat.CallerWebWxSendMsgOptions{
//     LoginInfo: bot.Storage.LoginInfo, BaseRequest: bot.Storage.Request,
//     Message: openwechat.NewTextSendMessage(text, selfUserName, to)}) and
//     bot.Caller.WebWxSendImageMsg (Storage.LoginInfo and Request are fixed
//     after login; Storage.Response.SyncKey is not: DumpTo only on the sync
//     goroutine).
//
// # Driving the fake
//
// Contacts are named by their ID (default: NickName) or a unique NickName;
// group members also by DisplayName. Inbound: SendText, SendGroupText,
// SendLocation, SendGroupLocation, SendImage, SendGroupImage, SendSystem,
// SendFromPhone, SendFriendRequest, Resend (each needs a live session).
// Outbound: Sent, WaitSent. Login: AutoConfirm, Scan, ConfirmScan, ExpireQR.
// Faults: KickOut, FailSend, RefuseHotLogin, RefusePushLogin. State:
// UserName, LoggedIn, Logins, IsFriend, UpdateContact, AddGroupMember,
// Requests, Unhandled.
package wxfake
