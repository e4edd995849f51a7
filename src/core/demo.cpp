#include "core/demo.h"

// The demo desk is planned first (ticket times, categories, texts, timelines) and
// then replayed through `decide` + `apply` in time order, so every Op is one the
// desk itself would have produced. Only edudesk::Rng draws numbers, only int64
// holds times and money: the same options give the same bytes on every platform.
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/commands.h"
#include "core/refunds.h"
#include "core/rng.h"
#include "core/survey_templates.h"
#include "core/state.h"

namespace edudesk {
namespace {

using nlohmann::json;

constexpr Millis kSecond = 1000;
constexpr Millis kMinute = 60 * kSecond;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDay = 24 * kHour;
constexpr Millis kChinaOffset = 8 * kHour;  // China Standard Time has no daylight saving

// ---- people and courses --------------------------------------------------------------

enum AgentIx { kWangMin, kLiJing, kZhangWei, kLiuYang, kChenChen, kZhaoLei };

struct AgentSeed {
  const char* id;
  const char* name;
  Role role;
  std::vector<Category> skills;  // what routing prefers them for
};
const AgentSeed kAgentSeeds[] = {
    {kDemoAgentId, "王敏", Role::mid, {Category::after_sales, Category::account_security}},
    {"a-lijing", "李静", Role::junior, {Category::technical, Category::other}},
    {"a-zhangwei", "张伟", Role::junior, {Category::after_sales, Category::other}},
    {"a-liuyang", "刘洋", Role::senior, {Category::course_quality, Category::service_attitude, Category::after_sales}},
    {"a-chenchen", "陈晨", Role::tech_support, {Category::technical}},
    {"a-zhaolei", "赵磊", Role::supervisor, {}}};

struct CourseSeed {
  const char* id;
  const char* name;
  int64_t price_fen;
  int popularity;  // relative share of tickets
  bool kids;       // bought by parents (or by the teenager himself)
  bool teens;      // a teenager may write in himself
  const char* unit;  // 第N讲 / 第N节 / 第N课
  const char* teacher;
  const char* grade;  // the child's grade, kids' courses only
};
const CourseSeed kCourseSeeds[] = {
    {"k-gaozhong-shuxue", "高中数学冲刺班", 298000, 14, true, true, "讲", "周老师", "上高二"},
    {"k-chuzhong-yingyu", "初中英语同步提升课", 159900, 12, true, true, "讲", "孙老师", "上初二"},
    {"k-kaoyan-zhengzhi", "考研政治全程班", 189800, 10, false, false, "讲", "徐老师", ""},
    {"k-yasi", "雅思7分突破班", 468000, 8, false, false, "课", "吴老师", ""},
    {"k-python", "Python零基础入门", 69900, 9, false, false, "节", "郑老师", ""},
    {"k-scratch", "少儿编程Scratch启蒙", 129900, 8, true, false, "节", "何老师", "上三年级"},
    {"k-gangqin", "成人零基础钢琴课", 99900, 5, false, false, "课", "林老师", ""},
    {"k-xingce", "公务员行测精讲", 158000, 9, false, false, "讲", "高老师", ""},
    {"k-cpa", "CPA会计实务", 238000, 7, false, false, "讲", "马老师", ""},
    {"k-aoshu", "小学奥数思维训练", 199900, 8, true, false, "讲", "罗老师", "上四年级"},
    {"k-riyu", "日语N2直通车", 259900, 5, false, false, "课", "梁老师", ""},
    {"k-pmp", "PMP项目管理认证", 388000, 5, false, false, "讲", "宋老师", ""},
};
constexpr int kCourseCount = static_cast<int>(sizeof(kCourseSeeds) / sizeof(kCourseSeeds[0]));

constexpr uint32_t bit(int i) { return uint32_t{1} << i; }
constexpr uint32_t kAllCourses = (uint32_t{1} << kCourseCount) - 1;
constexpr uint32_t kKids = bit(0) | bit(1) | bit(5) | bit(9);
constexpr uint32_t kTeens = bit(0) | bit(1);
constexpr uint32_t kAdult = kAllCourses & ~kKids;
constexpr uint32_t kExam = bit(2) | bit(3) | bit(7) | bit(8) | bit(10) | bit(11);
constexpr uint32_t kOneToOne = bit(3) | bit(6) | bit(10);
constexpr uint32_t kHasBooks = bit(0) | bit(1) | bit(2) | bit(7) | bit(8) | bit(9) | bit(11);

const char* const kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段",
    "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "武", "戴", "孔", "汤"};
const char* const kFemaleGiven[] = {"芳",   "娜",   "敏",   "静",   "丽",   "艳",   "娟",   "霞",   "燕",   "玲",
                                    "婷",   "颖",   "慧",   "琳",   "雪",   "晶",   "倩",   "洁",   "佳",   "月",
                                    "丽华", "海燕", "秀英", "雪梅", "晓燕", "春梅", "美玲", "婉婷", "欣然", "思琪",
                                    "雨婷", "佳琪", "梦瑶", "晓雯", "静怡", "嘉欣", "紫薇", "诗雨", "文静", "晓丽"};
const char* const kMaleGiven[] = {"伟",   "强",   "磊",   "军",   "洋",   "勇",   "杰",   "涛",   "明",   "超",
                                  "斌",   "鹏",   "浩",   "宇",   "峰",   "飞",   "凯",   "辉",   "健",   "亮",
                                  "建华", "志强", "建国", "晓东", "文博", "俊杰", "思远", "海波", "志刚", "国庆",
                                  "子豪", "浩然", "宇航", "明轩", "天宇", "家豪", "立新", "振华", "永强", "嘉伟"};
const char* const kKidGiven[] = {"子涵", "梓萱", "浩宇", "一诺", "欣怡", "宇轩", "诗涵", "俊熙", "雨桐",
                                 "梓睿", "沐阳", "可欣", "若汐", "子墨", "思彤", "博文", "嘉怡", "皓轩",
                                 "语桐", "天佑", "奕辰", "书瑶", "铭泽", "锦程", "安琪", "乐乐"};
const int kPhonePrefixes[] = {130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157,
                              158, 159, 166, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189, 199};
const char* const kDevices[] = {"iPad", "华为平板", "小米手机", "苹果手机", "Windows电脑",
                                "MacBook", "OPPO手机", "vivo手机", "荣耀平板", "联想笔记本"};

// ---- what customers write, and what the desk answers ----------------------------------
// Slots in braces are filled per ticket: {course} {course2} {teacher} {lesson} {page}
// {date} {ago} {weekago} {mins} {price} {refund} {kid} {who} {whose} {order} {dev} {phone4}
// {future} {done} {grade}.

enum Route { kFront, kTech, kSenior, kMid };
enum Audience { kAnyone, kParentsOnly, kAdultsOnly };
enum CourseUse { kNoCourse, kMaybeCourse, kWithCourse };

struct Tmpl {
  Category category;
  Route route;
  int urgency;  // 0 low, 1 normal, 2 urgent
  Audience audience;
  CourseUse course;
  uint32_t courses;  // which courses fit the story
  const char* subject;
  const char* text;
  const char* note;    // the internal note of whoever works the case; null: the category's
  const char* solve;   // the resolving reply; null: the category's
  const char* ask;     // the reply that puts the ticket on pending; null: the category's
  const char* answer;  // the customer's answer to `ask`; null: the category's
  const char* ack;     // the first public reply; null: the category's
};

const Tmpl kTemplates[] = {
    // ---- technical
    {Category::technical, kTech, 1, kAnyone, kWithCourse, kAllCourses, "{course}回放视频一直加载不出来",
     "{who}在看{course}{lesson}的回放，进度条一直转圈圈，换了WiFi和4G都一样，别的视频网站都正常。昨天还好好的，今天就不行了。",
     "排查：华东地区CDN节点回源超时，{course}部分回放受影响，已切换备用节点，待客户验证。",
     "您好，经技术同事排查，是部分地区的视频加速节点异常，目前已经修复。麻烦您清一下APP缓存（我的—设置—清除缓存）后再打开回放试试。给您带来不便非常抱歉！",
     nullptr, nullptr, nullptr},
    {Category::technical, kTech, 1, kAnyone, kMaybeCourse, kAllCourses, "登录提示验证码错误",
     "手机收到验证码了，输进去一直提示验证码错误，试了好几次，现在还提示操作频繁，急着上课！",
     "短信通道排查：客户所在运营商验证码下发延迟，之前的验证码已失效；已为客户解除登录频率限制。",
     "您好，已经帮您解除了登录频率限制。验证码5分钟内有效，请以最新收到的一条为准，也可以改用密码登录。现在可以再试一下。",
     nullptr, nullptr, nullptr},
    {Category::technical, kTech, 2, kAnyone, kWithCourse, kAllCourses, "支付成功但课程没开通",
     "{date}用微信支付了{price}买的{course}，钱已经扣了，但是“我的课程”里面没有，订单还显示待支付。",
     "已核对支付流水：微信支付回调丢失，订单未同步。已手工补单开通课程。",
     "您好，已核实您支付成功，因支付回调延迟导致订单没有同步，现已为您开通{course}，刷新“我的课程”即可看到。给您带来不便非常抱歉！",
     "您好，麻烦提供一下微信支付账单里这笔交易的截图（含交易单号），我们马上核对。",
     "截图发过去了，交易单号在上面。", "您好，非常抱歉，我们马上核对您的支付记录，核实后第一时间为您开通课程。"},
    {Category::technical, kTech, 1, kAnyone, kWithCourse, kAllCourses, "直播卡顿，声音断断续续",
     "{course}今晚的直播特别卡，老师的声音一卡一卡的，画面也糊，班级群里好多人都说卡。",
     "当晚老师端推流码率异常，已联系老师更换网络；本节高清录像安排补发。",
     "您好，经排查是老师端推流网络不稳定导致的，已经处理。本节课的高清录像已补发到课程回放里，您可以随时观看。给您带来不便非常抱歉。",
     nullptr, nullptr, nullptr},
    {Category::technical, kTech, 1, kAnyone, kWithCourse, kAllCourses, "{course}{lesson}课件PDF打不开",
     "{lesson}的课件下载下来打不开，提示文件已损坏，{dev}和电脑都试过了。",
     "课件上传时文件损坏，已通知教务重新上传。",
     "您好，{lesson}的课件已经重新上传，麻烦您删除旧文件后重新下载。给您带来不便非常抱歉。", nullptr, nullptr, nullptr},
    {Category::technical, kTech, 1, kAnyone, kMaybeCourse, kAllCourses, "APP一打开就闪退",
     "更新到最新版之后APP一打开就闪退，用的是{dev}，卸载重装也没用。",
     "确认为新版本在部分机型上的兼容问题，已提缺陷单，修复版本已提交应用商店审核。",
     "您好，兼容性问题已在新版本中修复，请到应用商店更新到最新版本。更新前也可以先用电脑浏览器登录网页版上课。",
     "您好，麻烦告诉我们手机的系统版本号（设置—关于本机），方便技术同事复现。", "系统版本截图发过去了。", nullptr},
    {Category::technical, kTech, 2, kAnyone, kWithCourse, kAllCourses, "直播间黑屏只有声音",
     "进了{course}的直播间，屏幕一片黑，只能听到老师说话，看不到课件，马上要讲重点了！",
     "直播间白板服务短时异常约15分钟，已恢复，影响多名学员。",
     "您好，直播间画面服务刚才出现了短暂故障，现在已经恢复。本节课录像稍后会上传，错过的部分可以看回放。给您带来不便非常抱歉。",
     nullptr, nullptr, nullptr},
    {Category::technical, kTech, 0, kAnyone, kWithCourse, kAllCourses, "下载的缓存视频无法播放",
     "之前在APP里缓存的{course}视频，坐高铁没网的时候点开，提示“视频无法播放”。",
     "离线缓存授权过期导致，需要联网刷新授权。",
     "您好，离线缓存的视频每30天需要联网验证一次授权，麻烦您连上网络后打开一次“我的下载”，之后就可以离线播放了。",
     nullptr, nullptr, nullptr},
    {Category::technical, kTech, 1, kAnyone, kWithCourse, kAllCourses, "{whose}作业提交一直显示失败",
     "{whose}{course}{lesson}的作业拍照上传，一直显示提交失败，今晚12点就截止了，怎么办？",
     "图片超过10MB被拦截，已提需求优化压缩；本次作业已为客户延长提交期限。",
     "您好，是图片太大导致上传失败，拍照时选择“标准画质”就可以了。本次作业已为您延长提交期限到明天晚上，请放心。",
     nullptr, nullptr, nullptr},
    {Category::technical, kTech, 2, kAnyone, kWithCourse, kAllCourses, "微信支付重复扣款",
     "买{course}的时候网卡了一下，结果微信扣了两次钱，两笔都是{price}，麻烦退一笔给我。",
     "已核实两笔支付流水，重复的一笔已发起原路退回，财务确认只退一次。",
     "您好，已核实重复扣款，多扣的{price}已原路退回您的微信，1-3个工作日到账，请留意微信支付通知。给您带来不便非常抱歉。",
     "您好，麻烦提供两笔扣款的微信账单截图，我们核对后马上处理。", "两笔账单截图都发过去了。", "您好，非常抱歉给您带来困扰，我们马上核对两笔支付流水，确认重复扣款后会原路退回多扣的金额，请放心。"},
    {Category::technical, kTech, 1, kAnyone, kWithCourse, kOneToOne, "1对1上课时老师听不到我的声音",
     "{course}1对1上课的时候老师说听不到我这边的声音，电脑麦克风在别的软件里都是好的。",
     "浏览器未授予麦克风权限，已远程协助客户开启。",
     "您好，问题是浏览器没有开启麦克风权限，按刚才指导的方法在地址栏左侧允许麦克风即可。下次上课前可以先在“设备检测”里测试一下。",
     nullptr, nullptr, nullptr},
    {Category::technical, kTech, 0, kAnyone, kWithCourse, kAllCourses, "投屏到电视上没有画面",
     "想把{course}投到电视上看，投屏之后电视只有声音没有画面。",
     "受版权保护限制，课程视频不支持DLNA投屏，属已知限制。",
     "您好，受版权保护限制，课程视频暂不支持手机投屏，建议用HDMI线连接电脑，或者在电视上安装我们的TV版APP登录观看。",
     nullptr, nullptr, "您好，收到您的反馈，我这边先帮您确认一下这门课程是否支持投屏，请稍等。"},

    // ---- course quality
    {Category::course_quality, kSenior, 1, kAnyone, kWithCourse, kAllCourses, "老师讲得太快跟不上",
     "{course}{lesson}{teacher}讲得太快了，好多步骤一带而过，{who}听完还是不会，能不能放慢一点？",
     "已反馈授课老师，后续课程增加例题讲解时间；为客户预约一对一答疑。",
     "您好，您的建议已经反馈给{teacher}，后续课程会放慢节奏、增加例题讲解。同时为您预约了一次一对一答疑，助教会提前和您确认时间。",
     nullptr, nullptr, nullptr},
    {Category::course_quality, kSenior, 1, kAnyone, kWithCourse, kAllCourses, "课程内容和宣传不一致",
     "报名的时候说{course}每周两次直播加专属答疑，结果大部分都是录播，答疑群也没人回，这跟宣传的完全不一样。",
     "已调取销售页面和课程大纲核对，宣传页“专属答疑”描述不清，已提交市场部修改；客户可选补偿或按未学课时退款。",
     "您好，经核实，课程宣传页的描述确实不够准确，非常抱歉。我们为您提供两种方案：一是补充8次直播答疑并赠送配套讲义；二是按未学课时比例退款{refund}。您确认后我们马上安排。",
     nullptr, nullptr, nullptr},
    {Category::course_quality, kSenior, 0, kAnyone, kWithCourse, kHasBooks, "{course}讲义有错误",
     "{course}讲义第{page}页例题的答案算错了，{who}对了好几遍，老师上课讲的和讲义上也不一样。",
     "教研核实：讲义第{page}页答案印刷错误，已出勘误表。",
     "您好，经教研老师核实，讲义第{page}页的答案确实有误，非常感谢您的指正！勘误表已上传到课程资料区，为表感谢已为您的账户赠送20元优惠券。",
     nullptr, nullptr, nullptr},
    {Category::course_quality, kSenior, 1, kAnyone, kWithCourse, kAllCourses, "直播课老师迟到{mins}分钟",
     "{date}晚上的{course}直播，{teacher}迟到了{mins}分钟才进直播间，也没有提前通知，整节课都被压缩了。",
     "核实：老师当晚网络故障，助教未及时通知学员。已要求班主任今后提前通知，并安排补课。",
     "您好，经核实当晚老师网络故障导致迟到，助教也没有及时通知大家，非常抱歉。我们已安排本周六晚上8点补课一次，补课链接会提前发到班级群。",
     nullptr, nullptr, nullptr},
    {Category::course_quality, kSenior, 1, kAdultsOnly, kWithCourse, kExam, "课程内容太旧，还是去年的考纲",
     "{course}里面好几讲用的还是去年的考纲，今年改了的内容都没讲，花了{price}买的课就这样？",
     "已与教研确认，新考纲更新内容正在录制，两周内上线；记为课程内容问题，纳入复盘。",
     "您好，新考纲对应的更新内容已经上线（共6讲），在课程目录“新增”标签下可以看到。给您造成困扰非常抱歉，课程有效期也已为您延长1个月。",
     nullptr, nullptr, nullptr},
    {Category::course_quality, kSenior, 0, kParentsOnly, kWithCourse, kKids, "孩子作业批改不及时",
     "{kid}的{course}作业交上去一个星期了还没批改，老师也没有反馈，孩子现在都不想写了。",
     "已联系班主任，批改积压原因是助教调岗，已安排新助教48小时内完成批改。",
     "您好，已安排新的助教老师接手，{kid}的作业已全部批改完成，后续作业会在48小时内反馈。给孩子和您带来不便非常抱歉。",
     nullptr, nullptr, nullptr},
    {Category::course_quality, kSenior, 0, kAnyone, kWithCourse, kAllCourses, "老师口音重，有些地方听不清",
     "{course}的{teacher}口音有点重，有些地方听不太清楚，能不能加字幕或者换个老师？",
     "已反馈教研：该课程录播视频增加字幕已列入计划。",
     "您好，已反馈教研组，{course}的录播视频字幕会在两周内陆续上线；如果需要，也可以为您调到同一课程其他老师的班级。",
     nullptr, nullptr, nullptr},
    {Category::course_quality, kSenior, 0, kAnyone, kWithCourse, kAllCourses, "课后答疑一直没人回复",
     "在{course}答疑区提问三天了，一直没有老师回复，{who}现在卡在{lesson}这里。",
     "答疑区积压，已通知助教组优先处理超过24小时未回复的问题。",
     "您好，您的问题已由助教老师详细解答，请在答疑区查看。我们也已要求答疑在24小时内回复，给您带来不便非常抱歉。",
     nullptr, nullptr, nullptr},
    {Category::course_quality, kSenior, 0, kAnyone, kWithCourse, kAllCourses, "直播课和录播课内容重复",
     "{course}的直播课讲的和录播课几乎一模一样，感觉上直播没什么意义。",
     "已反馈教研，该班次直播内容规划调整中。",
     "您好，您的反馈已转给教研组，后续直播课会以习题讲解和答疑为主，不再重复录播内容。感谢您的宝贵建议！",
     nullptr, nullptr, nullptr},
    {Category::course_quality, kSenior, 1, kParentsOnly, kWithCourse, kKids, "想给孩子换个老师",
     "{kid}说{teacher}上课太严肃，孩子有点怕，上课都不敢开麦，想换个老师。",
     "已联系班主任了解情况，同课程另有两个班可转。",
     "您好，已为{kid}调到同课程的另一个班，新班级下周一开始上课，班主任会在微信上和您对接。", nullptr, nullptr, nullptr},

    // ---- service attitude
    {Category::service_attitude, kSenior, 1, kAnyone, kMaybeCourse, kAllCourses, "客服回复太慢",
     "在线客服排队半个多小时都没人回，留言也没人理，你们的服务就是这样的吗？",
     "核查当日排队数据：18:00-21:00排队峰值，人手不足，已反馈主管调整晚间排班。",
     "您好，非常抱歉让您久等了。当天晚高峰咨询量较大，我们已经增加了晚间值班人手。您之前咨询的问题我们也已处理完毕，如有其他需要可以直接回复本工单。",
     nullptr, nullptr, nullptr},
    {Category::service_attitude, kSenior, 1, kAnyone, kWithCourse, kAllCourses, "班主任态度不好",
     "问了班主任好几次{course}补课的事，回复就一句“自己看通知”，语气很不耐烦，花钱报课不是来受气的。",
     "已调取班主任聊天记录，确认回复态度生硬，已约谈并纳入月度考核。", nullptr, nullptr, nullptr, nullptr},
    {Category::service_attitude, kSenior, 1, kAnyone, kWithCourse, kAllCourses, "销售承诺的赠品没兑现",
     "报{course}的时候课程顾问说送一套纸质讲义和一个月的答疑，现在找他就说不知道，这不是骗人吗？",
     "已联系课程顾问核实，聊天记录可证明承诺，安排补发讲义并开通答疑。",
     "您好，已核实课程顾问当时的承诺，讲义已安排顺丰寄出（单号会短信发给您），一个月答疑权限也已开通。给您带来不好的体验非常抱歉。",
     nullptr, nullptr, nullptr},
    {Category::service_attitude, kSenior, 0, kAnyone, kNoCourse, kAllCourses, "客服电话一直打不通",
     "打了一上午客服热线，要么占线，要么转人工之后就挂断，到底有没有人？",
     "核实热线系统当天上午转接异常，已报修。",
     "您好，当天上午热线转接系统出现故障，已经修复，给您带来不便非常抱歉。您要咨询的问题可以直接在这里回复，我会全程跟进。",
     nullptr, nullptr, nullptr},
    {Category::service_attitude, kSenior, 1, kAnyone, kWithCourse, kAllCourses, "助教在群里说话不礼貌",
     "{course}班级群里有同学问问题，助教回了一句“这么简单都不会”，太伤人了，请你们管一管。",
     "已核实群聊记录，对助教进行警告处理，要求其在群内公开致歉。",
     "您好，经核实情况属实，我们已对该助教严肃处理，并要求其在群里公开道歉。感谢您的监督，我们会加强服务规范培训。",
     nullptr, nullptr, nullptr},
    {Category::service_attitude, kSenior, 0, kAnyone, kNoCourse, kAllCourses, "被频繁电话推销，要求停止",
     "我已经说了不需要，你们的课程顾问还是每天打电话推销新课，请不要再打了！",
     "已将客户号码加入免打扰名单，并通报销售部门。",
     "您好，已将您的手机号加入免打扰名单，今后不会再有推销电话，给您造成打扰非常抱歉。", nullptr, nullptr, "您好，非常抱歉给您造成打扰，我们马上处理。"},
    {Category::service_attitude, kSenior, 2, kAnyone, kWithCourse, kAllCourses, "投诉：退款被推来推去没人管",
     "申请{course}退款两周了，客服说找班主任，班主任说找财务，财务又说找客服，没有一个人管，再不处理我就去12315投诉了。",
     "重大投诉，已升级主管；财务核实退款单卡在审批环节，已加急。",
     "您好，非常抱歉让您来回奔波。您的退款已由主管加急审批，{refund}将在3个工作日内原路退回。后续由我全程跟进，有任何问题直接联系我。",
     nullptr, nullptr, nullptr},

    // ---- after-sales
    {Category::after_sales, kMid, 1, kAnyone, kWithCourse, kAllCourses, "申请退款（冷静期内）",
     "{date}报的{course}，才上了一节课，感觉不太适合，还在7天冷静期内，申请退款。",
     "已核实订单，下单{ago}天，学习进度低于5%，符合冷静期退款，已提交财务。",
     "您好，已核实您的订单在7天冷静期内，全额退款{price}已提交，预计3-5个工作日原路退回。感谢您的理解，期待以后还有机会为您服务。",
     nullptr, nullptr, nullptr},
    {Category::after_sales, kMid, 0, kAnyone, kWithCourse, kAllCourses, "想从晚班换到周末班",
     "最近时间安排变了，工作日晚上没法上课，{course}能不能从晚班换到周末班？",
     "周末班还有名额，已提交转班申请，无差价。",
     "您好，已为您转到{course}周六上午班，原班级的学习进度已同步，班主任会拉您进新班级群。", nullptr, nullptr, nullptr},
    {Category::after_sales, kMid, 0, kAdultsOnly, kWithCourse, kAdult, "需要开发票",
     "公司报销需要{course}的发票，抬头开公司名，要增值税普通发票，怎么开？", "已提交财务开具电子普通发票。",
     "您好，{course}的电子发票已开具并发送到您的邮箱，金额{price}，请注意查收。",
     "您好，麻烦提供一下发票抬头、税号和接收发票的邮箱。", "抬头和税号发给你们了，邮箱也写在里面了。", "您好，可以开的，我这边先帮您核实一下订单信息。"},
    {Category::after_sales, kMid, 1, kParentsOnly, kWithCourse, kKids, "孩子住院，申请课程延期",
     "{kid}生病住院了，估计要一个月才能出院，{course}后面的课上不了，能不能申请延期？医院的证明可以提供。",
     "家庭突发情况，符合延期条件，已申请延长有效期60天并暂停直播排课。",
     "您好，已为{kid}的{course}申请延期60天，期间的直播课都可以看回放，出院后也可以联系班主任安排补课。祝孩子早日康复！",
     "您好，祝孩子早日康复。麻烦上传一下住院证明或诊断书的照片，我们马上为您申请。", "住院证明拍照上传了，麻烦尽快。", "您好，收到，先祝孩子早日康复！延期申请我这边马上帮您办理。"},
    {Category::after_sales, kMid, 1, kAnyone, kWithCourse, kAllCourses, "退款申请一周了还没到账",
     "{weekago}申请的{course}退款，说3-5个工作日到账，现在一周多了还没收到，到底什么时候退？",
     "财务查询：退款已于昨日打款，银行处理中。",
     "您好，已和财务核实，退款{refund}已于昨天打款，银行处理一般需要1-2个工作日，请留意银行的到账通知。", nullptr,
     nullptr, nullptr},
    {Category::after_sales, kMid, 0, kAnyone, kWithCourse, kAllCourses, "买错课程，想换课",
     "本来想买{course2}，不小心买成了{course}，还没开始上，能不能换成{course2}？", "未开课，可直接换课，差价已核算。",
     "您好，已为您把订单换成{course2}，原课程已取消，差价会在1-3个工作日内处理，请留意短信通知。", nullptr, nullptr, nullptr},
    {Category::after_sales, kMid, 0, kAnyone, kWithCourse, kAllCourses, "课程快到期了，申请延期",
     "{course}还有两周就到期了，最近太忙还有十几{unit}没看完，能申请延期吗？",
     "首次申请，符合一次性免费延期条件，已延期30天。",
     "您好，已为您的{course}免费延期30天，新的到期日可以在“我的课程”里查看。首次延期免费，请合理安排学习时间哦。",
     nullptr, nullptr, nullptr},
    {Category::after_sales, kMid, 0, kAnyone, kWithCourse, kHasBooks, "纸质教材一直没收到",
     "报名{course}的时候说会寄纸质教材，已经半个月了还没收到，物流信息也查不到。",
     "仓库核实：地址缺门牌号被退回，已补全地址重新寄出。",
     "您好，教材已经重新寄出，顺丰单号已短信发给您，预计2-3天送达。给您带来不便非常抱歉。",
     "您好，麻烦确认一下收货地址和电话，我们联系仓库重新寄送。", "地址我重新发了一遍完整的，之前可能漏了门牌号。", nullptr},
    {Category::after_sales, kMid, 0, kAnyone, kWithCourse, kAllCourses, "优惠券下单时没抵扣",
     "买{course}的时候账户里有一张200元优惠券，下单时没抵扣，直接付了全款{price}。",
     "核实：该券适用范围不含此课程，但页面提示不清，按善意补偿退回200元差额。",
     "您好，经核实该优惠券不适用于这门课程，但考虑到页面提示不够清楚，我们为您退回200元差额作为补偿，1-3个工作日原路退回。",
     nullptr, nullptr, nullptr},
    {Category::after_sales, kMid, 0, kAnyone, kWithCourse, kAllCourses, "错过直播，申请补课",
     "{date}晚上临时有事，错过了{course}{lesson}的直播，回放看了有些地方不太懂，能安排补课吗？",
     "已为客户预约助教一对一答疑30分钟。",
     "您好，已为您预约了{lesson}的一对一答疑补课，时间是周四晚上8点，助教会提前联系您。", nullptr, nullptr, nullptr},
    {Category::after_sales, kMid, 1, kAdultsOnly, kWithCourse, kAdult, "不想学了，申请退课",
     "{course}已经上了{done}{unit}，工作调动实在没时间学了，想退剩下的课时，能退多少？",
     "已核对课消记录：已学{done}{unit}，按未学课时比例退款，超出本人审批额度，已提交主管审批。",
     "您好，已按未学课时为您核算退款{refund}，主管已审批通过，3-5个工作日原路退回。感谢您这段时间的学习。", nullptr,
     nullptr, nullptr},
    {Category::after_sales, kMid, 1, kParentsOnly, kWithCourse, kKids, "孩子不想学了，申请退费",
     "{kid}上了几次{course}说听不懂，孩子实在不想学了，剩下的课能退吗？",
     "已核对课消记录：已学{done}{unit}，按未学课时比例退款，已提交财务。",
     "您好，已按未学课时为您核算退款{refund}，3-5个工作日原路退回。如果以后孩子想重新学习，随时联系我们。", nullptr,
     nullptr, nullptr},

    // ---- account security
    {Category::account_security, kTech, 2, kAnyone, kMaybeCourse, kAllCourses, "账号被别人登录了",
     "今天收到提醒说我的账号在外地登录，我根本没登过，{course}的课还被人看了好几节，是不是被盗号了？",
     "登录日志显示异地设备登录，疑似撞库，已强制下线并重置密码。", nullptr, nullptr, nullptr, nullptr},
    {Category::account_security, kTech, 1, kAnyone, kNoCourse, kAllCourses, "手机号换了，无法登录",
     "以前注册用的手机号已经停用了，收不到验证码，登不上账号，课程都在里面。", "已人工核验身份，更换绑定手机号。",
     "您好，身份核验通过，已为您把绑定手机号更换为新号码，请用新手机号登录，原手机号已解绑。", nullptr, nullptr, "您好，更换绑定手机号需要先核验身份，请放心，您的课程和学习记录都不会丢失。"},
    {Category::account_security, kTech, 0, kAnyone, kNoCourse, kAllCourses, "收到陌生的验证码短信",
     "没有操作却连续收到好几条你们平台的登录验证码短信，是不是有人在试我的账号？",
     "短信日志显示同一IP批量请求验证码，已加入风控拦截。",
     "您好，经排查是有人恶意批量发送验证码，对方没有登录成功，您的账号是安全的。我们已拦截该来源，建议您开启登录保护。",
     nullptr, nullptr, "您好，收到您的反馈，我们马上查一下短信发送记录。请不要把验证码告诉任何人。"},
    {Category::account_security, kTech, 1, kAnyone, kNoCourse, kAllCourses, "账号被限制使用，提示异地登录",
     "登录提示“账号存在异常，已被限制使用”，我就是出差换了个城市登录，怎么就被封了？",
     "风控误判（出差异地+新设备），已解除限制。",
     "您好，系统检测到新设备异地登录，触发了安全保护，核实是本人后已经为您解除限制，给您带来不便非常抱歉。", nullptr,
     nullptr, "您好，收到，我们马上帮您核实登录记录，确认是本人后即可解除限制，给您带来不便非常抱歉。"},
    {Category::account_security, kTech, 2, kAnyone, kWithCourse, kAllCourses, "接到冒充客服的诈骗电话",
     "有人打电话自称是你们平台客服，能说出我买的{course}和订单信息，让我加微信办理退款，这是怎么回事？我的信息是不是泄露了？",
     "疑似信息泄露，已上报信息安全负责人和主管，按安全事件流程处理。",
     "您好，我们不会通过私人微信办理退款，请不要转账或提供验证码。此事已上报安全部门调查，并为您的账号开启了额外保护。感谢您及时反馈。",
     nullptr, nullptr, "您好，请千万不要添加对方微信，也不要转账或提供验证码！我们的客服不会通过私人微信办理退款。您反馈的情况已经紧急上报。"},
    {Category::account_security, kTech, 0, kParentsOnly, kWithCourse, kKids, "孩子的账号被同学登录了",
     "{kid}把账号密码告诉了同学，现在同学一直用{kid}的账号看课，能不能帮忙把别的设备踢下线？",
     "已强制下线其他设备，并提示客户修改密码。",
     "您好，已将其他设备全部下线，建议给孩子换一个新密码，并在“设备管理”里开启仅限本机登录。", nullptr, nullptr, nullptr},
    {Category::account_security, kTech, 0, kAdultsOnly, kNoCourse, kAllCourses, "申请注销账号并删除个人信息",
     "以后不在你们这里学了，申请注销账号，我的个人信息请全部删除。",
     "已核实无未完成订单，按个人信息保护流程提交注销，15个工作日内完成。",
     "您好，您的注销申请已提交，我们会在15个工作日内完成账号注销并删除个人信息，完成后会短信通知您。", nullptr,
     nullptr, "您好，已收到您的注销申请。注销前我们需要核实账号名下没有未完成的订单和退款，请稍等。"},

    // ---- other
    {Category::other, kFront, 0, kAnyone, kWithCourse, kAllCourses, "咨询{course}下期开课时间",
     "想问一下{course}下一期什么时候开课？现在报名有没有优惠？", nullptr,
     "您好，{course}下一期将于{future}开课，现在报名可享早鸟价，详情已短信发给您，也可以直接在APP里报名。", nullptr,
     nullptr, nullptr},
    {Category::other, kFront, 0, kAdultsOnly, kWithCourse, kAdult, "建议增加夜间答疑",
     "我一般晚上10点以后才有时间学习，这个时候答疑区都没人，建议增加夜间答疑时段。",
     "已将客户建议整理提交教务部门。",
     "您好，非常感谢您的建议，已反馈给教务部门，目前正在试点晚上10点到12点的夜间答疑，上线后会第一时间通知您。",
     nullptr, nullptr, "您好，非常感谢您的建议，我这边先帮您记录下来，反馈给教务部门。"},
    {Category::other, kFront, 0, kAnyone, kWithCourse, kHasBooks, "有没有纸质版讲义可以买",
     "屏幕上看讲义太累眼睛了，{course}有没有纸质版可以单独买？", nullptr,
     "您好，{course}的配套纸质讲义可以在APP“学习商城”购买，已报名学员享受8折，包邮。", nullptr, nullptr, nullptr},
    {Category::other, kFront, 0, kAnyone, kWithCourse, kAllCourses, "推荐朋友报名有没有优惠",
     "身边朋友也想报{course}，老学员推荐有没有优惠？", nullptr,
     "您好，老学员推荐新学员报名，双方各得100元优惠券。您可以在“我的—邀请有礼”里生成专属邀请码发给朋友。", nullptr,
     nullptr, nullptr},
    {Category::other, kFront, 0, kAdultsOnly, kWithCourse, kExam, "考试报名时间会通知吗",
     "{course}学完之后，考试报名的时间和流程你们会通知吗？怕错过报名。", nullptr,
     "您好，考试报名开始前班主任会在班级群和短信里提醒，课程资料区也有报名流程说明，请放心。", nullptr, nullptr, nullptr},
    {Category::other, kFront, 0, kAnyone, kWithCourse, kAllCourses, "表扬{teacher}",
     "{teacher}讲{course}特别细致，每次答疑都很耐心，{who}进步很大，想表扬一下老师。",
     "已转达授课老师和教研组长，记入老师月度表扬。",
     "您好，非常感谢您的认可！您的表扬已经转达给{teacher}，老师也非常开心。祝学习顺利！", nullptr, nullptr, "您好，非常感谢您的认可和鼓励！我们会把您的表扬转达给{teacher}。"},
    {Category::other, kFront, 0, kAnyone, kMaybeCourse, kAllCourses, "能不能多台设备同时登录",
     "想在手机和平板上都登录看课，会不会被挤下线？", nullptr,
     "您好，同一账号最多支持2台设备同时登录（比如手机加平板），超过后会提示下线最早登录的设备。", nullptr, nullptr, nullptr},
    {Category::other, kFront, 0, kParentsOnly, kWithCourse, kKids, "孩子适合报哪个班",
     "{kid}今年{grade}，成绩中等，想问{course}适不适合，需不需要先做个测试？", nullptr,
     "您好，建议先让孩子做一下免费的入学测评，班主任会根据结果推荐合适的班次，测评链接已短信发给您。", nullptr,
     nullptr, nullptr},
};

struct CategoryTexts {
  const char* ack;     // the first public reply
  const char* note;    // the internal note when the template has none
  const char* ask;     // the reply that puts a ticket on pending
  const char* answer;  // the customer's answer
  const char* follow;  // the customer asking for progress
  const char* solve;   // the resolving reply when the template has none
  const char* reopen;  // the customer writing back after "resolved"
};

const CategoryTexts& category_texts(Category c) {
  static const CategoryTexts technical{
      "您好，收到您的反馈，给您带来不便非常抱歉。已经同步技术同事排查，麻烦您先退出APP重新登录试一下，有结果马上告诉您。",
      "排查中：已复现问题，定位到服务端异常，修复后通知客户。",
      "您好，为了尽快定位问题，麻烦提供一下出问题时的截图和网络环境（WiFi还是4G/5G），收到后我们马上处理。",
      "截图发过去了，用的是{dev}，家里WiFi。", "请问查到原因了吗？今晚还要上课。",
      "您好，技术同事已经修复了这个问题，麻烦您退出APP重新登录后再试一下。给您带来不便非常抱歉，如果还有问题随时联系我们。",
      "今天又试了一下，还是老样子，麻烦再帮忙看看。"};
  static const CategoryTexts quality{
      "您好，非常感谢您的反馈，给您带来不好的学习体验非常抱歉。我们已经把情况同步给教研和授课老师，24小时内给您回复处理方案。",
      "已反馈教研组和授课老师，等待确认处理方案。",
      "您好，麻烦您具体说一下是哪一{unit}、大概哪个时间点的内容，方便教研老师核对。",
      "主要是{lesson}，大概从四十分钟开始那一段。", "请问教研那边有结论了吗？",
      "您好，教研老师已经核实并处理，同时为您安排了一次一对一答疑，可以在APP“我的课程”里预约时间。再次为给您带来的困扰致歉。",
      "一对一答疑的时间都约满了，能不能帮忙协调一下？"};
  static const CategoryTexts attitude{
      "您好，非常抱歉给您带来了不好的体验，您反馈的情况我们非常重视，已经提交主管核实，今天之内给您答复。",
      "已调取聊天和通话记录核实，情况基本属实，已反馈相关负责人。",
      "您好，方便提供一下当时的聊天截图或者通话时间吗？我们核实后一定严肃处理。", "截图已经发了，是{date}下午的事情。",
      "到现在还没有人给我一个说法。",
      "您好，经核实，相关同事的处理确实存在问题，我们已经进行了批评教育并纳入考核。为表歉意，已向您的账户发放一张50元课程优惠券。感谢您的监督。",
      "优惠券我没看到，在哪里可以查看？"};
  static const CategoryTexts after_sales{
      "您好，已收到您的申请，我这边先帮您核实订单和课程使用情况，请稍等。",
      "已核实订单和课程使用情况，按政策处理。", "您好，麻烦提供一下订单号和下单手机号，方便我们核实。",
      "订单号是{order}，手机号尾号{phone4}。", "请问处理得怎么样了？",
      "您好，您的申请已经处理完成，结果已同步到您的账户，请留意短信通知。如有疑问随时联系我们。",
      "还没收到短信通知，麻烦再帮我查一下。"};
  static const CategoryTexts security{
      "您好，为了保障您的账号安全，我们已经临时冻结了异常登录的设备，麻烦您先修改一下密码。",
      "已核查登录日志，已强制下线异常设备。",
      "您好，为确认是本人操作，麻烦提供一下注册手机号、最近一笔订单号以及身份证后四位。",
      "手机号尾号{phone4}，订单号{order}，身份证后四位私信发给你们了。", "请问账号恢复了吗？",
      "您好，已核实为本人账号，登录状态已恢复，其他设备已全部下线。建议开启登录保护（设置—账号与安全），给您带来不便非常抱歉。",
      "改完密码又收到异地登录提醒了，怎么回事？"};
  static const CategoryTexts other{
      "您好，感谢您的咨询，我这边帮您查一下，稍后回复您。", "已答复客户咨询，待客户确认。",
      "您好，请问您主要想了解哪个班次？方便的话说一下您的学习目标，我帮您推荐。",
      "主要想报晚上的班，白天要上班。", "有消息了吗？",
      "您好，相关信息已经发到您的手机短信，也可以在APP首页“课程日历”里查看。感谢您的支持！",
      "短信没收到，能再发一次吗？"};
  switch (c) {
    case Category::technical: return technical;
    case Category::course_quality: return quality;
    case Category::service_attitude: return attitude;
    case Category::after_sales: return after_sales;
    case Category::account_security: return security;
    case Category::other: return other;
  }
  return other;
}

const char* const kNudges[] = {"在吗？怎么还没人回复？", "请问有人处理吗？挺着急的。", "麻烦尽快看一下，谢谢。",
                               "等了好久了，能不能先回复一下？", "？？？有人吗"};
const char* const kProgress[] = {
    "您好，您的问题我们还在跟进中，有进展会第一时间告诉您，请您耐心等待。",
    "您好，已经催促相关同事加急处理，预计今天之内给您答复，给您带来不便非常抱歉。",
    "您好，目前还在核实中，明天中午前一定给您回复。"};
const char* const kStillWaiting[] = {
    "您好，收到您补充的信息，已经转给相关同事处理，结果出来后马上通知您。",
    "您好，信息已收到，目前在等待相关部门反馈，预计1-2个工作日，请您耐心等待。"};
const char* const kThanks[] = {"好的，已经可以了，谢谢！",        "收到，辛苦了。",   "行，谢谢你们这么快处理。",
                               "好的明白了，谢谢老师。",          "嗯嗯，没问题了，谢谢～",
                               "可以了，希望下次不要再出现这种情况。"};
const char* const kReopenReplies[] = {"您好，非常抱歉问题还没有彻底解决，我马上再帮您跟进。",
                                      "您好，收到，给您带来反复的困扰真的很抱歉，我这边重新核实一下。"};
const char* const kReopenSolved[] = {
    "您好，已经重新为您处理好了，麻烦您再确认一下。如果还有问题请直接回复，我会一直跟进到解决为止。",
    "您好，这次已经彻底处理好了，相关同事也做了复核，再次向您致歉。"};
const char* const kCallbacks[] = {"电话回访：客户对处理结果满意，无其他诉求。",
                                  "回访两次未接通，已发短信告知处理结果，按流程关闭。",
                                  "微信回访：客户确认问题已解决，评价“满意”。",
                                  "电话回访：客户表示满意，建议课程资料区增加搜索功能，已记录反馈。",
                                  "回访完成，客户评价“非常满意”，表示会继续报名下一期。",
                                  "回访：客户评价“一般”，认为处理速度偏慢，已记入复盘。"};
const char* const kQuickCloseNotes[] = {"咨询类工单，已答复，直接关闭。", "客户在电话里确认没有其他问题，关闭工单。"};
const char* const kSupervisorNotes[] = {
    "已关注。请优先处理，完成后在工单里补充复盘记录。", "已电话联系客户安抚情绪，处理方案确定后由我审批。"};
const char* const kIncidentNote = "同类问题今天已经收到多起，请技术支持按突发事件流程处理，并统一回复受影响学员。";
const char* const kP1Note = "P1：影响客户上课或资金安全，已同步主管赵磊，要求2小时内给出处理方案。";
const char* const kTechTransfer = "已转技术支持部排查，客户设备：{dev}。";
const char* const kSecurityTransfer = "已转技术支持部核查账号安全和登录日志。";
const char* const kEscalate = "客户情绪比较激动，已升级给高级客服刘洋跟进。";
const char* const kSeniorIntro =
    "您好，我是高级客服刘洋，接下来由我负责跟进您的问题。您反馈的情况我们非常重视，一定会给您一个明确的答复。";
const char* const kBackAfterClose = "之前的问题又出现了，麻烦再帮忙看一下。";
const char* const kReopenNote = "客户反馈问题复现，重新打开工单跟进。";
const char* const kParentIntro[] = {"我是{kid}的家长，", "我是{kid}妈妈，", "我是{kid}爸爸，"};

// ---- time ---------------------------------------------------------------------------------

Millis floor_div(Millis a, Millis b) {
  Millis q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t china_hour(Millis t) {
  Millis local = t + kChinaOffset;
  return (local - floor_div(local, kDay) * kDay) / kHour;
}

// Midnight, China time, of the day holding t (as UTC ms).
Millis china_midnight(Millis t) { return floor_div(t + kChinaOffset, kDay) * kDay - kChinaOffset; }

std::string two(int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); }

struct Ymd {
  int64_t y, m, d;
};
Ymd china_date(Millis t) {  // civil_from_days (H. Hinnant), on China's calendar day
  int64_t z = floor_div(t + kChinaOffset, kDay) + 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}
std::string month_day(Millis t) {
  Ymd c = china_date(t);
  return std::to_string(c.m) + "月" + std::to_string(c.d) + "日";
}

std::string yuan(int64_t fen) {
  std::string digits = std::to_string(fen / 100), grouped;
  int64_t len = static_cast<int64_t>(digits.size());
  for (int64_t i = 0; i < len; ++i) {
    if (i > 0 && (len - i) % 3 == 0) grouped += ',';
    grouped += digits[static_cast<size_t>(i)];
  }
  std::string out = "¥" + grouped;
  if (fen % 100 != 0) out += "." + two(fen % 100);
  return out;
}

// ---- slots --------------------------------------------------------------------------------

struct Slots {
  std::string course, course2, teacher, lesson, unit, page, date, ago, weekago, mins, price, refund, kid, who, whose,
      order, dev, phone4, future, done, grade;

  const std::string* get(std::string_view k) const {
    struct Entry {
      const char* key;
      std::string Slots::*field;
    };
    static const Entry entries[] = {
        {"course", &Slots::course}, {"course2", &Slots::course2}, {"teacher", &Slots::teacher},
        {"lesson", &Slots::lesson}, {"unit", &Slots::unit},       {"page", &Slots::page},
        {"date", &Slots::date},     {"ago", &Slots::ago},         {"weekago", &Slots::weekago},
        {"mins", &Slots::mins},
        {"price", &Slots::price},   {"refund", &Slots::refund},   {"kid", &Slots::kid},
        {"who", &Slots::who},       {"whose", &Slots::whose},     {"order", &Slots::order},
        {"dev", &Slots::dev},       {"phone4", &Slots::phone4},   {"future", &Slots::future},
        {"done", &Slots::done},     {"grade", &Slots::grade}};
    for (const Entry& e : entries)
      if (k == e.key) return &(this->*e.field);
    return nullptr;
  }
};

std::string fill(std::string_view tmpl, const Slots& s) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    if (tmpl[i] == '{') {  // '{' never occurs inside a UTF-8 multi-byte sequence
      size_t j = tmpl.find('}', i);
      if (j != std::string_view::npos) {
        if (const std::string* v = s.get(tmpl.substr(i + 1, j - i - 1))) {
          out += *v;
          i = j + 1;
          continue;
        }
      }
    }
    out += tmpl[i];
    ++i;
  }
  return out;
}

// ---- the plan -------------------------------------------------------------------------------

enum CustomerKind { kAdultLearner, kParent, kTeen };

struct CustomerSeed {
  std::string name, phone, kid;
  CustomerKind kind = kAdultLearner;
  bool female = false;
  int last_course = -1;
  std::string id;  // known once created
};

struct Step {
  Millis at = 0;
  EntryKind kind = EntryKind::note;
  int actor = -1;  // agent index; -1 is the customer
  std::string text;
  Status status = Status::open;  // status changes only
};

struct TicketPlan {
  Millis created = 0;
  Category category = Category::other;
  Status status = Status::new_;
  Channel channel = Channel::chat;
  Priority priority = Priority::P3;
  const Tmpl* tmpl = nullptr;
  int course = -1;
  int customer = -1;
  int handler = kLiJing;
  std::string subject, text;
  std::vector<Step> steps;
};

int64_t weighted(Rng& rng, const int64_t* w, int64_t n) {
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) total += w[i];
  if (total <= 0) return 0;
  int64_t r = rng.below(total);
  for (int64_t i = 0; i < n; ++i) {
    if (r < w[i]) return i;
    r -= w[i];
  }
  return n - 1;
}

Millis min_age(Status s) {
  switch (s) {
    case Status::new_: return 0;
    case Status::open: return 10 * kMinute;
    case Status::pending: return kHour;
    case Status::resolved: return 4 * kHour;
    case Status::closed: return kDay;
  }
  return 0;
}

// Keeps every value of an enum in the demo when there are enough tickets: a missing
// value takes over a ticket whose own value is not the last of its kind.
template <typename E, size_t N, typename Fits>
void ensure_every(std::vector<TicketPlan>& plans, E TicketPlan::*field, const E (&all)[N], Fits fits,
                  bool newest_first, Rng& rng) {
  int64_t n = static_cast<int64_t>(plans.size());
  if (n < static_cast<int64_t>(N) * 2) return;
  auto count = [&](E v) {
    int64_t c = 0;
    for (const TicketPlan& p : plans) c += (p.*field == v) ? 1 : 0;
    return c;
  };
  for (E v : all) {
    if (count(v) > 0) continue;
    int64_t start = newest_first ? 0 : rng.below(n);
    for (int64_t k = 0; k < n; ++k) {
      int64_t i = newest_first ? n - 1 - k : (start + k) % n;
      TicketPlan& p = plans[static_cast<size_t>(i)];
      if (count(p.*field) > 1 && fits(p, v)) {
        p.*field = v;
        break;
      }
    }
  }
}

class Generator {
 public:
  explicit Generator(const DemoOptions& opt)
      : opt_(opt), rng_(opt.seed), ids_("demo-"), end_(opt.end),
        days_(opt.days > 0 ? opt.days : 1), start_(opt.end - static_cast<Millis>(days_) * kDay) {}

  std::vector<Op> run() {
    seed_agents_and_courses();
    seed_surveys();
    int64_t n = opt_.tickets > 0 ? opt_.tickets : 0;
    plan_tickets(n);
    replay();
    refunds();
    survey_responses();
    workday();
    // Refund work happened between the tickets' other events: one log in time order
    // (stable, so Ops of the same millisecond keep their causal order).
    std::stable_sort(ops_.begin(), ops_.end(), [](const Op& a, const Op& b) { return a.at < b.at; });
    return std::move(ops_);
  }

 private:
  // ---- applying --------------------------------------------------------------------------
  bool take(const Op& op) {
    Error err;
    ApplyOutcome o = apply(state_, op, err);
    assert(o == ApplyOutcome::applied && "the demo generator produced an Op the desk refuses");
    if (o != ApplyOutcome::applied) return false;
    ops_.push_back(op);
    return true;
  }

  // ---- the agent's day (issue 3): class calendars and a burst of alike tickets -------------
  // Own ids and an own Rng, so the tickets above stay exactly what they were.
  void workday() {
    if (state_.customers.size() < 8) return;
    PrefixIds ids("demo-wf-");
    Decision d;
    // Four courses teach live on Tuesday, Thursday and Saturday evenings (19:00 UTC+8);
    // the calendar runs a week past the demo's end so the desk has classes ahead.
    const char* live[] = {"k-gaozhong-shuxue", "k-chuzhong-yingyu", "k-python", "k-aoshu"};
    Millis first_day = (start_ + kChinaOffset) / kDay * kDay - kChinaOffset;  // local midnight
    for (int c = 0; c < 4; ++c) {
      json sessions = json::array();
      for (Millis day = first_day; day < end_ + 8 * kDay; day += kDay) {
        int64_t weekday = ((day + kChinaOffset) / kDay + 3) % 7;  // 1970-01-01 was a Thursday: Monday = 0
        if (weekday == 1 || weekday == 3 || weekday == 5) sessions.push_back(day + 19 * kHour + c * 30 * kMinute);
      }
      command({{"type", "course.set_schedule"}, {"course_id", live[c]}, {"sessions", sessions}}, start_ - kDay,
              kAgentSeeds[kZhaoLei].id, d, &ids);
    }
    // The seeds' incident story: in the last hours, learners of one course write in one
    // after another that its videos will not play. The desk suggests grouping them.
    const char* texts[] = {"Python第12节的视频点开就黑屏，一直转圈播放不了", "视频播放不了！第12节黑屏",
                           "老师好，Python课的视频今天打不开，黑屏转圈", "第12节视频黑屏，换了浏览器也播放不了"};
    // Its learners: customers who wrote about the course before (so they and their order
    // exist before the burst, in the log's time order too; the full demo only).
    std::vector<std::string> learners;
    for (const Ticket& t : state_.tickets)
      if (t.course_id == "k-python" && t.created_at < end_ - 4 * kHour &&
          std::find(learners.begin(), learners.end(), t.customer_id) == learners.end())
        learners.push_back(t.customer_id);
    if (opt_.tickets < 100 || learners.size() < 4) return;
    // One local day holds the whole burst (a hot spot is a course's day), so shortly after
    // midnight it is squeezed, in proportion, into the time since then.
    const Millis midnight = (end_ + kChinaOffset) / kDay * kDay - kChinaOffset;
    const Millis burst_from = std::max(end_ - 3 * kHour, midnight);
    const Millis step = 40 * kMinute * (end_ - burst_from) / (3 * kHour);  // 40 minutes apart, or closer
    for (int i = 0; i < 4; ++i) {
      Millis at = burst_from + i * step;
      command({{"type", "ticket.create"}, {"customer_id", learners[learners.size() - 1 - static_cast<size_t>(i)]},
               {"course_id", "k-python"}, {"channel", "chat"},
               {"subject", "Python视频黑屏播放不了"}, {"text", texts[i]}, {"category", "technical"}, {"priority", "P3"}},
              at, kAgentSeeds[kLiJing].id, d, &ids);
    }
  }

  // ---- surveys (issue 5) -------------------------------------------------------------------
  void seed_surveys() {
    Millis at = start_ - 29 * kDay;
    int n = 0;
    for (const char* const* t = kSurveyTemplates; *t; ++t, at += kMinute)
      take(Op{"demo-survey-" + std::to_string(++n), op_type::survey_published, at, "system",
              json{{"survey", json::parse(*t)}}, Hlc{at, 0}});
  }

  // Answers that follow what happened on the ticket: a slow first answer, a rejected
  // refund or a complaint about attitude lower the scores. Own Rng and ids, so the
  // tickets stay what they were.
  void survey_responses() {
    Rng rng(opt_.seed ^ 0x5EED5ull);
    PrefixIds ids("demo-sv-");
    auto clamp5 = [](int64_t v) { return std::max<int64_t>(1, std::min<int64_t>(5, v)); };
    static const char* const kGood[] = {"老师很耐心，问题很快就解决了", "客服态度很好，点赞", "处理得很及时，谢谢",
                                        "回放问题解决了，体验不错", "希望课程继续保持这个质量"};
    static const char* const kBad[] = {"等了很久才有人回复", "退款流程太慢了，来回问了好几次", "问题还是没有彻底解决",
                                       "客服一直让我重启APP，没用", "希望能有电话直接沟通的渠道"};
    std::vector<SurveySend> sends = state_.survey_sends;
    int64_t k = 0;
    for (const SurveySend& x : sends) {
      const Ticket* t = state_.ticket(x.ticket_id);
      if (!t || !rng.chance(55)) continue;
      Millis at = x.at + rng.between(1, 30) * kHour;
      if (at >= end_ - kMinute) continue;
      int64_t base = 4;
      if (t->category == Category::service_attitude) base -= 1;
      if (t->first_response_at && t->first_response_at - t->created_at > 4 * kHour) base -= 1;
      for (const Refund& r : state_.refunds)
        if (r.ticket_id == t->id && r.status == RefundStatus::rejected) base -= 2;
      int64_t overall = clamp5(base + rng.between(-1, 1) + (rng.chance(35) ? 1 : 0));
      int64_t speed = clamp5(overall + rng.between(-1, 1));
      json a{{"overall", overall}, {"speed", speed},
             {"solved", overall >= 4 ? (rng.chance(90) ? "yes" : "partly") : overall == 3 ? "partly" : (rng.chance(60) ? "no" : "partly")}};
      if (overall <= 2) {
        static const char* const kWhy[] = {"slow", "unsolved", "attitude", "process", "policy", "other"};
        int64_t first = rng.below(6), second = rng.below(6);
        a["why_low"] = first == second ? json::array({kWhy[first]}) : json::array({kWhy[first], kWhy[second]});
      }
      if (rng.chance(85)) a["nps"] = std::max<int64_t>(0, std::min<int64_t>(10, overall * 2 + rng.between(-2, 1)));
      if (rng.chance(40)) a["comment"] = overall >= 4 ? rng.pick(kGood) : rng.pick(kBad);
      Decision d;
      std::string who = t->customer_id;
      command({{"type", "survey.respond"}, {"survey_id", "csat"}, {"ticket_id", t->id}, {"mode", "portal"}, {"answers", a}},
              at, who, d, &ids);
      // A call-back on some of them, by the agent who handled it.
      if (++k % 4 == 0 && at + 2 * kHour < end_) {
        const char* agent = t->assignee.empty() ? kAgentSeeds[kLiJing].id : t->assignee.c_str();
        json c{{"reached", rng.chance(80) ? "yes" : "no_answer"}};
        if (c["reached"] == "yes") {
          c["solved"] = a["solved"];
          c["satisfaction"] = clamp5(overall + (rng.chance(50) ? 1 : 0));
          c["follow_up"] = overall <= 2 ? "yes" : "no";
          if (overall <= 2) c["follow_what"] = "主管回电说明处理方案";
        }
        // During working hours, and not after the demo's end: a call the next morning has not
        // happened yet (its stamp would carry every desk's clock into the future).
        const Millis call = during_work(at + 2 * kHour);
        if (call <= end_)
          command({{"type", "survey.respond"}, {"survey_id", "callback"}, {"ticket_id", t->id}, {"mode", "phone"},
                   {"answers", c}},
                  call, agent, d, &ids);
      }
    }
    // The seeds' full questionnaire, answered in the portal by learners and parents.
    static const char* const kAges[] = {"under_18", "18_24", "25_34", "35_44", "45_plus"};
    static const char* const kGenders[] = {"female", "male", "na"};
    static const char* const kJobs[] = {"student", "employee", "civil", "self", "parent", "other"};
    static const char* const kImprove[] = {"content", "teacher", "app", "service", "price", "schedule"};
    // Most answers come from known learners (the portal knows who is signed in): the age fits
    // who they are, and a dozen answer again weeks later with fewer study hours (churn signals).
    std::map<std::string, Millis> first_ticket;
    for (const Ticket& t : state_.tickets)
      if (!first_ticket.count(t.customer_id)) first_ticket[t.customer_id] = t.created_at;
    struct Answered { std::string customer; Millis at; int64_t hours; };
    std::vector<Answered> answered;
    for (int i = 0; i < 120 && !customers_.empty(); ++i) {
      Millis at = start_ + rng.below(end_ - start_ - kHour);
      int64_t latent = rng.between(2, 5);
      auto item = [&]() { return clamp5(latent + rng.between(-1, 1)); };
      const char* age = rng.pick(kAges);
      int64_t hours = rng.between(1, 20);
      std::string who;
      const CustomerSeed& c = customers_[static_cast<size_t>(rng.below(static_cast<int64_t>(customers_.size())))];
      if (i >= 108 && answered.size() > static_cast<size_t>(i - 108)) {
        const Answered& before = answered[static_cast<size_t>(i - 108)];
        if (before.at + 14 * kDay < end_ - kHour) {
          who = before.customer;
          at = before.at + 14 * kDay + rng.below(std::min<Millis>(end_ - kHour - before.at - 14 * kDay, 7 * kDay) + 1);
          hours = std::max<int64_t>(1, before.hours / 3);
        }
      } else if (!c.id.empty() && rng.chance(85) && first_ticket.count(c.id) &&
                 first_ticket[c.id] + kHour <= end_ - kHour) {  // they exist before they answer
        who = c.id;
        at = std::max(at, first_ticket[c.id] + kHour);
        age = c.kind == kTeen ? "under_18" : c.kind == kParent ? (rng.chance(70) ? "35_44" : "45_plus") : age;
        if (c.kind == kAdultLearner && std::string(age) == "under_18") age = "18_24";
      }
      if (!who.empty() && i < 108) answered.push_back({who, at, hours});
      json a{{"age_group", age}, {"gender", rng.pick(kGenders)}, {"occupation", rng.pick(kJobs)},
             {"content", item()}, {"teacher", item()}, {"effect", item()}, {"platform", item()}, {"service", item()},
             {"overall", item()}, {"hours", hours}};
      if (rng.chance(70)) a["after_sales"] = item();
      if (rng.chance(90)) a["nps"] = std::max<int64_t>(0, std::min<int64_t>(10, latent * 2 + rng.between(-1, 1)));
      a["improve"] = json::array({rng.pick(kImprove)});
      if (rng.chance(35)) a["suggestion"] = latent >= 4 ? rng.pick(kGood) : rng.pick(kBad);
      Decision d;
      json cmd{{"type", "survey.respond"}, {"survey_id", "full"}, {"mode", "portal"}, {"answers", a}};
      if (!who.empty()) cmd["customer_id"] = who;
      command(cmd, at, "system", d, &ids);
    }
  }

  bool command(const json& cmd, Millis at, const std::string& actor, Decision& d, IdSource* ids = nullptr) {
    Context ctx{at, actor, ids ? ids : &ids_};
    Error err;
    bool ok = decide(state_, cmd, ctx, d, err);
    assert(ok && "the demo generator issued a command the desk refuses");
    if (!ok) return false;
    for (const Op& op : d.ops)
      if (!take(op)) return false;
    return true;
  }

  void seed_agents_and_courses() {
    Millis at = start_ - 30 * kDay;  // the desk was set up before the demo weeks
    for (const AgentSeed& a : kAgentSeeds) {
      json skills = json::array();
      for (Category c : a.skills)
        if (c != Category::other || a.role == Role::junior) skills.push_back(to_id(c));
      take(Op{ids_.next(), op_type::agent_created, at, "system",
              json{{"agent_id", a.id}, {"name", a.name}, {"role", to_id(a.role)}, {"skills", skills}}, Hlc{at, 0}});
      at += kMinute;
    }
    for (const CourseSeed& c : kCourseSeeds) {
      take(Op{ids_.next(), op_type::course_created, at, "system",
              json{{"course_id", c.id}, {"name", c.name}, {"price_fen", c.price_fen}}, Hlc{at, 0}});
      at += kMinute;
    }
  }

  // ---- times -----------------------------------------------------------------------------
  Millis mins(int64_t lo, int64_t hi) { return rng_.between(lo, hi) * kMinute; }

  // Ticket arrival: China daytime and evening, a little busier in recent weeks.
  Millis arrival_time() {
    static const int64_t hour_weight[24] = {2, 1, 1, 0, 0, 0, 1, 3, 6, 10, 12, 12,
                                            10, 11, 12, 12, 11, 10, 11, 13, 14, 13, 9, 5};
    Millis range = end_ - start_;
    for (int tries = 0; tries < 1000; ++tries) {
      Millis t = start_ + rng_.below(range + 1);
      int64_t recency = 60 + 40 * ((t - start_) / kMinute) / (range / kMinute > 0 ? range / kMinute : 1);
      if (rng_.below(14 * 100) < hour_weight[china_hour(t)] * recency) return t;
    }
    return end_;
  }

  // Agents work 09:00-22:00 China time; later actions wait for the morning.
  Millis during_work(Millis t) {
    int64_t h = china_hour(t);
    if (h >= 9 && h < 22) return t;
    Millis day = china_midnight(t) + (h >= 22 ? kDay : 0);
    Millis late = mins(0, 45);
    return day + 9 * kHour + late + rng_.below(kMinute);
  }

  // Customers write between 07:00 and midnight; a night-time message waits for the morning.
  Millis awake(Millis t) {
    if (china_hour(t) >= 7) return t;
    Millis late = mins(0, 240);
    return china_midnight(t) + 7 * kHour + late + rng_.below(kMinute);
  }

  Status status_for_age(Millis age) {
    //                       new open pending resolved closed
    static const int64_t w[6][5] = {{60, 28, 8, 4, 0},   {50, 27, 11, 10, 2}, {22, 28, 20, 25, 5},
                                    {4, 12, 15, 41, 28}, {0, 5, 7, 33, 55},   {0, 2, 2, 18, 78}};
    int row = age < 2 * kHour ? 0 : age < kDay ? 1 : age < 3 * kDay ? 2 : age < 7 * kDay ? 3 : age < 14 * kDay ? 4 : 5;
    int64_t i = weighted(rng_, w[row], 5);
    while (i > 0 && min_age(kStatuses[i]) > age) --i;
    return kStatuses[i];
  }

  Category pick_category() {
    static const int64_t w[6] = {15, 30, 8, 27, 8, 12};  // in kCategories order
    return kCategories[weighted(rng_, w, 6)];
  }

  Channel pick_channel(Category c, Status s) {
    //                   chat phone email web_form social forum
    int64_t w[6] = {34, 18, 8, 20, 10, 10};
    if (c == Category::service_attitude) w[4] = 25;  // public complaints on 微博
    if (c == Category::account_security) w[1] = 28;
    if (c == Category::other) w[5] = 16;
    if (s == Status::new_) w[1] = 0;  // a call is answered while the customer is on the line
    return kChannels[weighted(rng_, w, 6)];
  }

  Priority pick_priority(int urgency) {
    static const int64_t w[3][4] = {{0, 6, 64, 30}, {2, 22, 66, 10}, {16, 50, 34, 0}};
    return kPriorities[weighted(rng_, w[urgency], 4)];
  }

  const Tmpl* pick_template(Category c) {
    int64_t w[sizeof(kTemplates) / sizeof(kTemplates[0])];
    int64_t n = static_cast<int64_t>(sizeof(kTemplates) / sizeof(kTemplates[0]));
    for (int64_t i = 0; i < n; ++i) w[i] = kTemplates[i].category == c ? 1 : 0;
    return &kTemplates[weighted(rng_, w, n)];
  }

  int pick_course(uint32_t mask) {
    int64_t w[kCourseCount];
    for (int i = 0; i < kCourseCount; ++i) w[i] = (mask & bit(i)) ? kCourseSeeds[i].popularity : 0;
    return static_cast<int>(weighted(rng_, w, kCourseCount));
  }

  // ---- people ----------------------------------------------------------------------------
  std::string person_name(bool female) {
    const char* surname = rng_.chance(55) ? kSurnames[rng_.below(10)] : rng_.pick(kSurnames);
    return std::string(surname) + (female ? rng_.pick(kFemaleGiven) : rng_.pick(kMaleGiven));
  }

  CustomerSeed new_customer(CustomerKind kind) {
    CustomerSeed c;
    c.kind = kind;
    c.female = rng_.chance(kind == kParent ? 65 : 50);
    if (kind == kTeen) {
      const char* surname = rng_.chance(55) ? kSurnames[rng_.below(10)] : rng_.pick(kSurnames);
      c.name = std::string(surname) + rng_.pick(kKidGiven);
    } else {
      c.name = person_name(c.female);
    }
    if (kind == kParent) c.kid = rng_.pick(kKidGiven);
    do {
      std::string digits = std::to_string(100000000 + rng_.below(100000000)).substr(1);  // 8 digits
      c.phone = std::to_string(rng_.pick(kPhonePrefixes)) + digits;
    } while (!phones_.insert(c.phone).second);
    return c;
  }

  static uint32_t courses_for(CustomerKind k) { return k == kParent ? kKids : k == kTeen ? kTeens : kAdult; }

  // ---- planning --------------------------------------------------------------------------
  void plan_tickets(int64_t n) {
    plans_.resize(static_cast<size_t>(n));
    std::vector<Millis> times;
    for (int64_t i = 0; i < n; ++i) times.push_back(arrival_time());
    std::sort(times.begin(), times.end());
    for (int64_t i = 0; i < n; ++i) {
      TicketPlan& p = plans_[static_cast<size_t>(i)];
      p.created = times[static_cast<size_t>(i)];
      p.category = pick_category();
      p.status = status_for_age(end_ - p.created);
    }
    ensure_every(plans_, &TicketPlan::category, kCategories, [](const TicketPlan&, Category) { return true; }, false,
                 rng_);
    Millis end = end_;
    ensure_every(plans_, &TicketPlan::status, kStatuses,
                 [end](const TicketPlan& p, Status s) { return end - p.created >= min_age(s); }, true, rng_);
    for (TicketPlan& p : plans_) {
      p.tmpl = pick_template(p.category);
      p.channel = pick_channel(p.category, p.status);
      p.priority = pick_priority(p.tmpl->urgency);
    }
    ensure_every(plans_, &TicketPlan::channel, kChannels, [](const TicketPlan&, Channel) { return true; }, false,
                 rng_);
    ensure_every(plans_, &TicketPlan::priority, kPriorities,
                 [](const TicketPlan& p, Priority) { return p.tmpl->urgency > 0; }, false, rng_);
    for (TicketPlan& p : plans_) {
      choose_people(p);
      write_ticket(p);
    }
  }

  void choose_people(TicketPlan& p) {
    const Tmpl& t = *p.tmpl;
    uint32_t mask = t.courses;
    if (t.audience == kParentsOnly) mask &= kKids;
    if (t.audience == kAdultsOnly) mask &= kAdult;
    auto fits = [&](const CustomerSeed& c) {
      if (t.audience == kParentsOnly && c.kind != kParent) return false;
      if (t.audience == kAdultsOnly && c.kind != kAdultLearner) return false;
      return t.course == kNoCourse || (mask & courses_for(c.kind)) != 0;
    };
    int64_t count = static_cast<int64_t>(customers_.size());
    if (count > 0 && rng_.chance(45)) {
      int64_t from = rng_.below(count);
      for (int64_t k = 0; k < count && p.customer < 0; ++k) {
        int64_t i = (from + k) % count;
        if (fits(customers_[static_cast<size_t>(i)])) p.customer = static_cast<int>(i);
      }
    }
    if (p.customer >= 0) {
      const CustomerSeed& c = customers_[static_cast<size_t>(p.customer)];
      uint32_t m = mask & courses_for(c.kind);
      if (t.course != kNoCourse) {
        bool same = c.last_course >= 0 && (m & bit(c.last_course)) && rng_.chance(60);
        p.course = same ? c.last_course : pick_course(m);
      }
    } else {
      CustomerKind kind;
      if (t.course != kNoCourse) {
        p.course = pick_course(mask);
        const CourseSeed& cs = kCourseSeeds[p.course];
        if (!cs.kids) kind = kAdultLearner;
        else if (t.audience == kParentsOnly || !cs.teens) kind = kParent;
        else kind = rng_.chance(75) ? kParent : kTeen;
      } else {
        kind = t.audience == kParentsOnly ? kParent
               : t.audience == kAdultsOnly ? kAdultLearner
               : rng_.chance(20)           ? kParent
                                           : kAdultLearner;
      }
      p.customer = static_cast<int>(customers_.size());
      customers_.push_back(new_customer(kind));
    }
    if (p.course >= 0) customers_[static_cast<size_t>(p.customer)].last_course = p.course;
    // Who registers and works the ticket.
    static const int64_t front[6] = {30, 35, 35, 0, 0, 0};
    static const int64_t tech[6] = {20, 35, 35, 0, 10, 0};
    static const int64_t senior[6] = {25, 12, 13, 50, 0, 0};
    static const int64_t mid[6] = {55, 15, 15, 15, 0, 0};
    const int64_t* w = t.route == kFront ? front : t.route == kTech ? tech : t.route == kSenior ? senior : mid;
    p.handler = static_cast<int>(weighted(rng_, w, 6));
  }

  Slots slots_for(const TicketPlan& p) {
    const CustomerSeed& c = customers_[static_cast<size_t>(p.customer)];
    Slots s;
    int course = p.course >= 0 ? p.course : pick_course(courses_for(c.kind));  // texts without a course_id
    const CourseSeed& cs = kCourseSeeds[course];
    s.course = cs.name;
    int other = pick_course(courses_for(c.kind) & ~bit(course));
    s.course2 = kCourseSeeds[other].name;
    s.teacher = cs.teacher;
    s.unit = cs.unit;
    s.lesson = "第" + std::to_string(rng_.between(2, 20)) + cs.unit;
    s.page = std::to_string(rng_.between(12, 86));
    int64_t ago = rng_.between(1, 6);
    s.ago = std::to_string(ago);
    s.date = month_day(p.created - ago * kDay);
    s.weekago = month_day(p.created - rng_.between(8, 13) * kDay);
    s.mins = std::to_string(rng_.between(10, 25));
    s.price = yuan(cs.price_fen);
    int64_t used = rng_.between(20, 70);                         // percent of the course already taken
    s.refund = yuan(cs.price_fen * (100 - used) / 100 / 100 * 100);  // whole yuan
    s.done = std::to_string(24 * used / 100);
    s.kid = c.kind == kParent ? c.kid : "孩子";
    s.who = c.kind == kParent ? "孩子" : "我";
    s.whose = c.kind == kParent ? "孩子的" : "";
    Ymd enrol = china_date(p.created - rng_.between(3, 90) * kDay);
    s.order = "E" + std::to_string(enrol.y) + two(enrol.m) + two(enrol.d) +
              std::to_string(100000 + rng_.below(900000));
    s.dev = rng_.pick(kDevices);
    s.phone4 = c.phone.substr(c.phone.size() - 4);
    s.future = month_day(p.created + rng_.between(7, 35) * kDay);
    s.grade = cs.grade;
    return s;
  }

  void write_ticket(TicketPlan& p) {
    const Tmpl& t = *p.tmpl;
    const CategoryTexts& ct = category_texts(p.category);
    const CustomerSeed& c = customers_[static_cast<size_t>(p.customer)];
    Slots s = slots_for(p);
    p.subject = fill(t.subject, s);
    if (p.channel == Channel::forum) {
      const char* tag = p.category == Category::course_quality || p.category == Category::service_attitude ? "【反馈】"
                        : p.category == Category::other                                                      ? "【咨询】"
                                                                                                             : "【求助】";
      p.subject = tag + p.subject;
    }
    std::string body = fill(t.text, s);
    if (c.kind == kParent && body.find(c.kid) == std::string::npos && body.find("孩子") == std::string::npos) {
      int64_t which = c.female ? (rng_.chance(50) ? 1 : 0) : (rng_.chance(50) ? 2 : 0);
      body = fill(kParentIntro[which], s) + body;
    }
    if (p.channel == Channel::email) body = "您好：\n" + body + "\n\n" + c.name;
    p.text = body;

    // The timeline, as steps after the ticket's arrival.
    auto say = [&](const char* tmpl) { return fill(tmpl, s); };
    const char* note = t.note ? t.note : ct.note;
    const char* solve = t.solve ? t.solve : ct.solve;
    const char* ask = t.ask ? t.ask : ct.ask;
    const char* answer = t.answer ? t.answer : ct.answer;
    const char* ack = t.ack ? t.ack : ct.ack;
    const char* transfer = p.category == Category::account_security ? kSecurityTransfer : kTechTransfer;
    Millis at = p.created;
    // The delay is drawn inside, never in an argument list next to another draw:
    // argument evaluation order differs between compilers (g++ right to left, clang
    // left to right) and would give wasm another demo than native.
    auto add_after = [&](Millis delay, EntryKind kind, int actor, std::string text, Status st) {
      at += delay + rng_.below(kMinute);  // people do not act on the minute
      at = actor >= 0 ? during_work(at) : awake(at);
      Step step;
      step.at = at;
      step.kind = kind;
      step.actor = actor;
      step.text = std::move(text);
      step.status = st;
      p.steps.push_back(std::move(step));
    };
    auto add = [&](int64_t lo_min, int64_t hi_min, EntryKind kind, int actor, std::string text) {
      Millis delay = mins(lo_min, hi_min);
      add_after(delay, kind, actor, std::move(text), Status::open);
    };
    auto status = [&](int64_t lo_min, int64_t hi_min, int actor, Status st) {
      Millis delay = mins(lo_min, hi_min);
      add_after(delay, EntryKind::status_change, actor, "", st);
    };
    const int h = p.handler;
    int owner = h;

    if (p.status == Status::new_) {
      if (rng_.chance(35)) add(20, 240, EntryKind::customer_message, -1, rng_.pick(kNudges));
      if (t.route == kTech && rng_.chance(25)) add(5, 60, EntryKind::note, h, say(transfer));
      finish(p);
      return;
    }

    Millis first = p.channel == Channel::chat       ? mins(1, 8)
                   : p.channel == Channel::phone    ? mins(1, 4)
                   : p.channel == Channel::email    ? mins(30, 300)
                   : p.channel == Channel::web_form ? mins(15, 240)
                   : p.channel == Channel::social   ? mins(20, 180)
                                                    : mins(30, 360);
    if (p.priority == Priority::P1) first /= 4;
    if (p.priority == Priority::P2) first /= 2;
    add_after(first, EntryKind::reply, h, say(ack), Status::open);
    if (p.priority == Priority::P1) {
      add(2, 15, EntryKind::note, h, kP1Note);
      add(5, 40, EntryKind::note, kZhaoLei,
          p.category == Category::technical && rng_.chance(40) ? kIncidentNote : rng_.pick(kSupervisorNotes));
    }
    switch (t.route) {  // who takes the case on
      case kTech:
        if (h != kChenChen) add(5, 40, EntryKind::note, h, say(transfer));
        break;
      case kSenior:
        if (h != kLiuYang && (h != kWangMin || rng_.chance(50))) {
          add(10, 90, EntryKind::note, h, kEscalate);
          owner = kLiuYang;
          add(10, 120, EntryKind::reply, owner, kSeniorIntro);
        }
        break;
      case kMid:
      case kFront: break;
    }
    // What the case worker found out, as an internal note.
    auto finding = [&](int64_t lo_min, int64_t hi_min) {
      if (t.route == kTech) add(lo_min, hi_min, EntryKind::note, kChenChen, say(note));
      else if (t.route != kFront || t.note) add(lo_min, hi_min, EntryKind::note, owner, say(note));
    };

    if (p.status == Status::open) {
      if (rng_.chance(50)) finding(30, 240);
      if (rng_.chance(50)) add(30, 600, EntryKind::customer_message, -1, say(ct.follow));
      if (rng_.chance(35)) add(20, 180, EntryKind::reply, owner, rng_.pick(kProgress));
      finish(p);
      return;
    }

    if (p.status == Status::pending || rng_.chance(40)) {
      add(10, 180, EntryKind::reply, owner, say(ask));
      status(1, 5, owner, Status::pending);
      if (p.status == Status::pending) {
        if (rng_.chance(30)) {  // the customer answered; still waiting on another team
          add(30, 900, EntryKind::customer_message, -1, say(answer));
          add(10, 120, EntryKind::reply, owner, rng_.pick(kStillWaiting));
          status(1, 3, owner, Status::pending);
        }
        finish(p);
        return;
      }
      add(20, 1200, EntryKind::customer_message, -1, say(answer));  // back to open
      finding(20, 240);
    } else {
      finding(30, 240);
      if (rng_.chance(30)) add(60, 900, EntryKind::customer_message, -1, say(ct.follow));
    }

    if (p.status == Status::closed && p.category == Category::other && rng_.chance(20)) {
      add(10, 240, EntryKind::reply, owner, say(solve));
      add(1, 10, EntryKind::note, owner, rng_.pick(kQuickCloseNotes));
      status(1, 5, owner, Status::closed);
      finish(p);
      return;
    }

    if (p.category == Category::after_sales) add(120, 2880, EntryKind::reply, owner, say(solve));  // refunds take days
    else add(30, 1440, EntryKind::reply, owner, say(solve));
    if (rng_.chance(45)) add(5, 300, EntryKind::customer_message, -1, rng_.pick(kThanks));
    status(1, 30, owner, Status::resolved);
    if (rng_.chance(8)) {  // "still not working": the customer's message reopens it
      add(120, 2880, EntryKind::customer_message, -1, say(ct.reopen));
      add(10, 180, EntryKind::reply, owner, rng_.pick(kReopenReplies));
      add(60, 1440, EntryKind::reply, owner, rng_.pick(kReopenSolved));
      status(1, 30, owner, Status::resolved);
    }
    if (p.status == Status::closed) {
      int caller = rng_.chance(30) ? kZhaoLei : owner;  // 回访 by QA or by the owner
      add(1440, 4320, EntryKind::note, caller, rng_.pick(kCallbacks));
      status(1, 20, caller, Status::closed);
      if (rng_.chance(4)) {  // back after closing: an agent reopens it by hand
        add(1440, 5760, EntryKind::customer_message, -1, kBackAfterClose);
        status(10, 240, owner, Status::open);
        add(1, 10, EntryKind::note, owner, kReopenNote);
        add(10, 600, EntryKind::reply, owner, rng_.pick(kReopenSolved));
        status(1, 30, owner, Status::resolved);
        add(1440, 2880, EntryKind::note, owner, rng_.pick(kCallbacks));
        status(1, 20, owner, Status::closed);
      }
    }
    finish(p);
  }

  // Squeezes a timeline that would run past `end` into the time left, keeping its order.
  void finish(TicketPlan& p) {
    if (p.steps.empty()) return;
    Millis limit = end_ - kMinute;
    if (p.steps.back().at <= limit) return;
    int64_t steps = static_cast<int64_t>(p.steps.size());
    if ((limit - p.created) / kSecond < steps) {
      // Only a ticket of the last minute gets here, and min_age keeps it "new":
      // its timeline (a nudge, a note) has not happened yet.
      if (p.status == Status::new_) {
        p.steps.clear();
        return;
      }
      limit = end_;
    }
    int64_t span_s = (p.steps.back().at - p.created) / kSecond;
    int64_t avail_s = (limit - p.created) / kSecond - steps;  // room for the one-second nudges below
    Millis prev = p.created;
    for (Step& s : p.steps) {
      int64_t off_s = (s.at - p.created) / kSecond;
      Millis at = p.created + off_s * avail_s / span_s * kSecond;
      s.at = at > prev ? at : prev + kSecond;
      prev = s.at;
    }
  }

  // ---- replay in time order --------------------------------------------------------------
  void replay() {
    struct Event {
      Millis at;
      int64_t ticket;
      int64_t step;  // -1: the ticket's creation
    };
    std::vector<Event> events;
    for (int64_t i = 0; i < static_cast<int64_t>(plans_.size()); ++i) {
      const TicketPlan& p = plans_[static_cast<size_t>(i)];
      events.push_back({p.created, i, -1});
      for (int64_t k = 0; k < static_cast<int64_t>(p.steps.size()); ++k)
        events.push_back({p.steps[static_cast<size_t>(k)].at, i, k});
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      if (a.at != b.at) return a.at < b.at;
      if (a.ticket != b.ticket) return a.ticket < b.ticket;
      return a.step < b.step;
    });
    std::vector<std::string> ticket_ids(plans_.size());
    for (const Event& e : events) {
      const TicketPlan& p = plans_[static_cast<size_t>(e.ticket)];
      std::string& tid = ticket_ids[static_cast<size_t>(e.ticket)];
      CustomerSeed& c = customers_[static_cast<size_t>(p.customer)];
      Decision d;
      if (e.step < 0) {
        json cmd{{"type", "ticket.create"},         {"channel", to_id(p.channel)}, {"subject", p.subject},
                 {"text", p.text},                  {"category", to_id(p.category)},
                 {"priority", to_id(p.priority)}};
        if (p.course >= 0) cmd["course_id"] = kCourseSeeds[p.course].id;
        if (p.course >= 0 && !c.id.empty()) order_for(c.id, p, e.at);
        if (c.id.empty())
          cmd["customer"] = json{{"name", c.name}, {"phone", c.phone}, {"is_parent", c.kind == kParent}};
        else
          cmd["customer_id"] = c.id;
        if (!command(cmd, e.at, kAgentSeeds[p.handler].id, d)) continue;
        tid = d.result["ticket_id"].get<std::string>();
        c.id = d.result["customer_id"].get<std::string>();
        // The order comes with the customer: registered with the ticket's intake.
        if (p.course >= 0) order_for(c.id, p, e.at);
        if (p.course >= 0 && p.category == Category::after_sales && p.subject.find("退") != std::string::npos)
          refund_tickets_.push_back({tid, e.ticket});
        continue;
      }
      if (tid.empty()) continue;  // its creation failed (a generator bug, asserted above)
      const Step& s = p.steps[static_cast<size_t>(e.step)];
      json cmd{{"ticket_id", tid}};
      switch (s.kind) {
        case EntryKind::customer_message: cmd["type"] = "ticket.customer_message"; break;
        case EntryKind::reply: cmd["type"] = "ticket.reply"; break;
        case EntryKind::note: cmd["type"] = "ticket.note"; break;
        case EntryKind::status_change: cmd["type"] = "ticket.set_status"; break;
        case EntryKind::field_change: continue;  // the demo plans no field changes
      }
      if (s.kind == EntryKind::status_change) {
        cmd["status"] = to_id(s.status);
        if (s.status == Status::resolved || s.status == Status::closed) closure_fields(p, cmd);
      } else {
        cmd["text"] = s.text;
      }
      // The customer's own words are authored by the customer, like the ticket's first message.
      std::string actor = s.actor < 0 ? c.id : std::string(kAgentSeeds[s.actor].id);
      command(cmd, s.at, actor, d);
      // A ticket is closed after its call-back: the call-back task is done with it.
      if (s.kind == EntryKind::status_change && s.status == Status::closed) {
        std::vector<std::string> open;
        for (const Task& k : state_.tasks)
          if (k.ticket_id == tid && k.kind == TaskKind::callback && !k.done && !k.cancelled) open.push_back(k.id);
        for (const std::string& id : open)
          command({{"type", "task.done"}, {"task_id", id}, {"outcome", "已回访：问题已解决，客户满意"}}, s.at, actor, d);
      }
    }
  }

  // How a resolved or closed ticket was resolved, and why a complaint happened (issue 3).
  static void closure_fields(const TicketPlan& p, json& cmd) {
    bool refund = p.subject.find("退") != std::string::npos;
    switch (p.category) {
      case Category::technical: cmd["resolution"] = "remote_help"; break;
      case Category::course_quality:
        cmd["resolution"] = "resource_reissued";
        cmd["root_cause"] = p.subject.find("老师") != std::string::npos ? "teacher" : "course_content";
        break;
      case Category::service_attitude:
        cmd["resolution"] = "explained";
        cmd["root_cause"] = p.subject.find("老师") != std::string::npos ? "teacher" : "other";
        break;
      case Category::after_sales: cmd["resolution"] = refund ? "refunded" : "course_changed"; break;
      case Category::account_security: cmd["resolution"] = "remote_help"; break;
      case Category::other: cmd["resolution"] = "explained"; break;
    }
  }

  // ---- orders and refunds (issue 4) ---------------------------------------------------------
  // Own ids and an own Rng, so the tickets stay exactly what they were without orders.
  static int64_t lessons_of(int course) {
    static const int64_t n[] = {48, 36, 60, 20, 30, 24, 24, 40, 50, 32, 40, 30};
    return n[course % 12];
  }

  void order_for(const std::string& customer_id, const TicketPlan& p, Millis ticket_at) {
    const CourseSeed& k = kCourseSeeds[p.course];
    std::string key = customer_id + "|" + k.id;
    if (orders_.count(key)) return;
    bool cooling = p.subject.find("冷静期") != std::string::npos;
    Millis age = cooling ? order_rng_.between(2 * 24, 6 * 24) * kHour : order_rng_.between(10, 100) * kDay;
    Millis paid_at = ticket_at - age;
    int64_t total = lessons_of(p.course);
    int64_t attended = cooling ? order_rng_.between(0, 2) : std::min<int64_t>(total, total * (age / kDay) / 120 + 1);
    bool books = (kHasBooks & bit(p.course)) != 0;
    std::string id = "demo-o" + std::to_string(orders_.size() + 1);
    orders_[key] = id;
    take(Op{"demo-order-" + std::to_string(orders_.size()), op_type::order_created, ticket_at, "system",
            json{{"order_id", id},
                 {"customer_id", customer_id},
                 {"course_id", k.id},
                 {"paid_fen", k.price_fen},
                 {"paid_at", paid_at},
                 {"lessons_total", total},
                 {"lessons_attended", attended},
                 {"materials_shipped", books},
                 {"materials_fee_fen", books ? 12000 : 0}},
            Hlc{ticket_at, 0}});
  }

  // Refund requests on after-sales tickets about refunds, in every state of the workflow.
  void refunds() {
    PrefixIds ids("demo-rf-");
    int i = 0;
    for (const auto& [tid, plan] : refund_tickets_) {
      const TicketPlan& p = plans_[static_cast<size_t>(plan)];
      const Ticket* t = state_.ticket(tid);
      auto key = t ? orders_.find(t->customer_id + "|" + kCourseSeeds[p.course].id) : orders_.end();
      if (key == orders_.end()) continue;
      Millis at = during_work(p.created + 40 * kMinute);
      if (at > end_ - 10 * kMinute) continue;  // too fresh: nobody has quoted it yet
      int stage = i % 6;  // 0 quoted, 1 awaiting approval, 2 approved (to be paid), 3 paid, 4 withdrawn, 5 rejected
      // Awaiting approval: a junior quoted what only a mid agent or above may approve.
      std::string agent = stage == 1 ? kAgentSeeds[kZhangWei].id : kAgentSeeds[p.handler].id;
      bool cooling = p.subject.find("冷静期") != std::string::npos;
      const char* reason = cooling ? "personal" : (i % 3 == 0 ? "quality_mismatch" : "personal");
      json quote{{"type", "refund.quote"}, {"ticket_id", tid},     {"order_id", key->second},
                 {"reason", reason},       {"verified", i % 3 == 0}, {"requested_at", p.created}};
      ++i;
      Decision d;
      if (!command(quote, at, agent, d, &ids)) continue;
      std::string rid = d.result["refund_id"].get<std::string>();
      bool needs = d.result["needs_approval"].get<bool>();
      if (stage == 0 || at + 20 * kMinute > end_ - kMinute) continue;  // the next step would be in the future
      at += 20 * kMinute;
      if (stage == 4) {
        command({{"type", "refund.withdraw"}, {"refund_id", rid}, {"note", "客户表示先继续上课，撤回退款申请"}},
                       at, agent, d, &ids);
        continue;
      }
      if (stage == 1) {
        if (needs) command({{"type", "refund.request_approval"}, {"refund_id", rid}}, at, agent, d, &ids);
        continue;
      }
      // A supervisor decides when the handler may not.
      std::string approver = needs ? kAgentSeeds[kZhaoLei].id : agent;
      if (stage == 5) {
        command({{"type", "refund.reject"}, {"refund_id", rid}, {"reason", "经与家长沟通，改为课程延期30天，不再退款"}},
                       at, kAgentSeeds[kZhaoLei].id, d, &ids);
        continue;
      }
      if (!command({{"type", "refund.approve"}, {"refund_id", rid}}, at, approver, d, &ids)) continue;
      if (stage == 3 && at + kHour < end_) {
        const Refund* r = state_.refund(rid);
        take(Op{"demo-paid-" + rid, op_type::refund_paid, at + 5 * kMinute, "system",
                json{{"refund_id", rid}, {"payment_ref", "DEMO-" + rid}, {"approval_op", r->approval_op}},
                Hlc{at + 5 * kMinute, 0}});
        command({{"type", "refund.review"}, {"refund_id", rid}, {"root_cause", i % 2 ? "course_content" : "personal"}},
                       at + kHour, agent, d, &ids);
      }
    }
  }

  DemoOptions opt_;
  Rng order_rng_{0x0DE75ull};
  std::map<std::string, std::string> orders_;  // customer|course → order id
  std::vector<std::pair<std::string, int64_t>> refund_tickets_;
  Rng rng_;
  PrefixIds ids_;
  Millis end_;
  int days_;
  Millis start_;
  State state_;
  std::vector<Op> ops_;
  std::vector<TicketPlan> plans_;
  std::vector<CustomerSeed> customers_;
  std::set<std::string> phones_;
};

}  // namespace

std::vector<Op> demo_ops(const DemoOptions& opt) { return Generator(opt).run(); }

std::vector<Op> practice_ops(Millis now) {
  DemoOptions opt;
  opt.end = now;
  opt.tickets = 0;
  std::vector<Op> ops = demo_ops(opt);  // agents, courses, surveys
  State s;
  Error err;
  for (const Op& op : ops) apply(s, op, err);
  PrefixIds ids("practice-");
  struct Scenario {
    const char* name;
    const char* phone;
    bool parent;
    const char* course;  // "" for none
    int order_days;      // the order was paid this many days ago (0: no order)
    const char* channel;
    const char* category;
    const char* priority;
    const char* subject;
    const char* text;
  };
  static const Scenario kScenarios[] = {
      {"林小雨", "13912345601", false, "k-yasi", 3, "chat", "after_sales", "P3", "报名三天想退课",
       "我三天前报了雅思7分突破班，才上了1节课，感觉不太适合我，想申请退款，可以全额退吗？"},
      {"周子涵", "13912345602", false, "k-python", 20, "chat", "technical", "P3", "第5节视频一直转圈",
       "Python零基础入门第5节的回放一直在转圈，换了网络也不行，明天就要交作业了。"},
      {"郭明", "13912345603", false, "k-kaoyan-zhengzhi", 40, "phone", "technical", "P3", "收不到登录验证码",
       "手机号登录一直收不到验证码，已经试了十几次了，课都上不了。"},
      {"何丽（家长）", "13912345604", true, "k-gaozhong-shuxue", 60, "web_form", "course_quality", "P2", "老师上课敷衍",
       "孩子说周老师上课经常迟到，讲题也很敷衍，我们花了两千多块钱，希望给个说法。"},
      {"赵婷", "13912345605", false, "k-cpa", 30, "email", "after_sales", "P4", "申请开具发票",
       "您好，我需要开具CPA会计实务课程的增值税普通发票，抬头是公司名称，请问怎么操作？"},
      {"钱浩", "13912345606", false, "k-pmp", 90, "phone", "account_security", "P1", "账号被盗，课程被别人看",
       "我的账号在异地登录了，密码也被改了，里面还有我买的PMP课程，请马上帮我冻结！"},
      {"孙悦", "13912345607", false, "k-riyu", 15, "chat", "after_sales", "P3", "想从日语换到雅思",
       "我买了日语N2直通车，但是工作需要改学英语，能不能换成雅思的课？差价我补。"},
      {"吴爸爸", "13912345608", true, "k-aoshu", 10, "social", "other", "P4", "孩子的上课时间表在哪里看",
       "请问小学奥数思维训练的上课时间表在哪里看？孩子周末还有别的课，怕冲突。"},
      {"郑凯", "13912345609", false, "k-xingce", 1, "chat", "technical", "P2", "微信支付扣了两次钱",
       "刚才买公务员行测精讲，微信支付扣了两次1580元，订单只有一个，请尽快退回多扣的钱。"},
      {"王强", "13912345610", false, "", 0, "social", "service_attitude", "P1", "客服态度恶劣，要曝光",
       "你们客服挂我电话三次，问题一直没人管！再不处理我就发微博曝光，还要向消协投诉！"},
  };
  Millis at = now - 35 * kMinute;  // three Ops a situation, a minute apart: the last just before now
  auto run = [&](const json& cmd, Decision& d) {
    Context ctx{at, kDemoAgentId, &ids};
    if (!decide(s, cmd, ctx, d, err)) return false;
    for (const Op& op : d.ops) {
      if (apply(s, op, err) != ApplyOutcome::applied) return false;
      ops.push_back(op);
    }
    at += kMinute;
    return true;
  };
  for (const Scenario& sc : kScenarios) {
    Decision d;
    if (!run({{"type", "customer.create"}, {"name", sc.name}, {"phone", sc.phone}, {"is_parent", sc.parent}}, d)) continue;
    std::string customer = d.result["customer_id"];
    bool course = *sc.course && s.course(sc.course);
    if (course && sc.order_days > 0) {
      const Course* c = s.course(sc.course);
      Decision o;
      run({{"type", "order.create"}, {"customer_id", customer}, {"course_id", sc.course}, {"paid_fen", c->price_fen},
           {"paid_at", now - sc.order_days * kDay}, {"lessons_total", 30}, {"lessons_attended", sc.order_days < 7 ? 1 : 8}},
          o);
    }
    json cmd{{"type", "ticket.create"}, {"customer_id", customer}, {"channel", sc.channel}, {"subject", sc.subject},
             {"text", sc.text}, {"category", sc.category}, {"priority", sc.priority}};
    if (course) cmd["course_id"] = sc.course;
    Decision t;
    run(cmd, t);
  }
  return ops;
}

}  // namespace edudesk
