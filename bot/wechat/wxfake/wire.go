package wxfake

// JSON shapes of the web protocol, with WeChat's own field names. They are
// declared here rather than borrowed from openwechat so that the fake speaks
// the protocol, not the client's reading of it.

type wireBaseRequest struct {
	Uin      int64
	Sid      string
	Skey     string
	DeviceID string
}

type wireBaseResponse struct {
	Ret    int
	ErrMsg string
}

type wireKeyVal struct {
	Key int64
	Val int64
}

type wireSyncKey struct {
	Count int
	List  []wireKeyVal
}

type wireMember struct {
	Uin             int64
	UserName        string
	NickName        string
	AttrStatus      int64
	PYInitial       string
	PYQuanPin       string
	RemarkPYInitial string
	RemarkPYQuanPin string
	MemberStatus    int
	DisplayName     string
	KeyWord         string
}

type wireUser struct {
	Uin              int64
	UserName         string
	NickName         string
	HeadImgUrl       string
	ContactFlag      int
	MemberCount      int
	MemberList       []wireMember
	RemarkName       string
	HideInputBarFlag int
	Sex              int
	Signature        string
	VerifyFlag       int
	OwnerUin         int64
	PYInitial        string
	PYQuanPin        string
	RemarkPYInitial  string
	RemarkPYQuanPin  string
	StarFriend       int
	AppAccountFlag   int
	Statues          int
	AttrStatus       int64
	Province         string
	City             string
	Alias            string
	SnsFlag          int
	UniFriend        int
	DisplayName      string
	ChatRoomId       int
	KeyWord          string
	EncryChatRoomId  string
	IsOwner          int
}

type wireRecommendInfo struct {
	UserName   string
	NickName   string
	QQNum      int64
	Province   string
	City       string
	Content    string
	Signature  string
	Alias      string
	Scene      int
	VerifyFlag int
	AttrStatus int64
	Sex        int
	Ticket     string
	OpCode     int
}

type wireAppInfo struct {
	AppID string
	Type  int
}

type wireMsg struct {
	MsgId                string
	FromUserName         string
	ToUserName           string
	MsgType              int
	Content              string
	Status               int
	ImgStatus            int
	CreateTime           int64
	VoiceLength          int
	PlayLength           int
	FileName             string
	FileSize             string
	MediaId              string
	Url                  string
	AppMsgType           int
	StatusNotifyCode     int
	StatusNotifyUserName string
	RecommendInfo        wireRecommendInfo
	ForwardFlag          int
	AppInfo              wireAppInfo
	HasProductId         int
	Ticket               string
	ImgHeight            int
	ImgWidth             int
	SubMsgType           int
	NewMsgId             int64
	OriContent           string
	EncryFileName        string
}

type wireInitResponse struct {
	BaseResponse        wireBaseResponse
	Count               int
	ContactList         []wireUser
	SyncKey             wireSyncKey
	User                *wireUser
	ChatSet             string
	SKey                string
	ClientVersion       int
	SystemTime          int64
	GrayScale           int
	InviteStartCount    int
	MPSubscribeMsgCount int
	MPSubscribeMsgList  []struct{}
	ClickReportInterval int
}

type wireSyncResponse struct {
	BaseResponse           wireBaseResponse
	AddMsgCount            int
	AddMsgList             []wireMsg
	ModContactCount        int
	ModContactList         []wireUser
	DelContactCount        int
	DelContactList         []wireUser
	ModChatRoomMemberCount int
	ModChatRoomMemberList  []wireUser
	Profile                struct{}
	ContinueFlag           int
	SyncKey                wireSyncKey
	SKey                   string
	SyncCheckKey           wireSyncKey
}

type wireSendMsg struct {
	Type         int
	Content      string
	FromUserName string
	ToUserName   string
	LocalID      string
	ClientMsgId  string
	MediaId      string
}

type wireSendRequest struct {
	BaseRequest wireBaseRequest
	Msg         wireSendMsg
	Scene       int
}

type wireSendResponse struct {
	BaseResponse wireBaseResponse
	MsgID        string
	LocalID      string
}

type wireUploadRequest struct {
	UploadType    int
	BaseRequest   wireBaseRequest
	ClientMediaId int64
	TotalLen      int64
	StartPos      int64
	DataLen       int64
	MediaType     int
	FromUserName  string
	ToUserName    string
	FileMd5       string
}

type wireUploadResponse struct {
	BaseResponse      wireBaseResponse
	MediaId           string
	StartPos          int64
	CDNThumbImgHeight int
	CDNThumbImgWidth  int
	EncryFileName     string
}
