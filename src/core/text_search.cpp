#include "core/text_search.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/utf8.h"

namespace edudesk {

namespace {

// Traditional -> simplified, as (traditional, simplified) pairs sorted by the traditional
// code point: every character of Big5's frequently used set (常用字, 5,401) whose simplified
// form differs and is in GB2312, as OpenCC's t2s converts it one character at a time, plus
// a few the classifier's first table had (帳/賬/帐 -> 账, 裏 -> 里, 衹 -> 只, 噁 -> 恶 …).
// Not a full converter (no phrases: 乾 -> 干 always): both sides of a comparison are
// normalised alike, so a many-to-one fold only merges a few spellings.
constexpr const char* kTradSimp =
    "丟丢並并乾干亂乱亙亘亞亚佇伫佈布佔占併并來来侖仑侶侣侷局係系俠侠倀伥倆俩倉仓個个們们倖幸倫伦偉伟側侧偵侦偽伪傑杰傖伧傘伞備备傢家傭佣傯偬傳传債债傷伤傾倾僅仅僑侨僕仆僥侥僱雇價价儀仪儂侬億亿儈侩儉俭儐傧"
    "儔俦儕侪儘尽償偿優优儲储儷俪儻傥儼俨兇凶兌兑兒儿兗兖內内兩两冊册冑胄冪幂凍冻凜凛凱凯別别刪删則则剋克剎刹剛刚剝剥剴剀創创剷铲劃划劇剧劉刘劊刽劍剑劑剂勁劲動动務务勛勋勝胜勞劳勢势勳勋勵励勸劝勻匀匯汇匱匮"
    "區区協协卹恤卻却厭厌厲厉參参叢丛吒咤吳吴吶呐呂吕員员唸念問问啞哑啟启喚唤喪丧喫吃喬乔單单喲哟嗆呛嗇啬嗎吗嗚呜嗶哔嘆叹嘍喽嘔呕嘖啧嘗尝嘩哗嘮唠嘯啸嘰叽噁恶噓嘘噥哝噯嗳噴喷噸吨噹当嚀咛嚇吓嚐尝嚕噜嚥咽嚨咙"
    "嚮向嚴严嚶嘤囀啭囁嗫囂嚣囈呓囉啰囌苏囑嘱囪囱國国圍围園园圓圆圖图團团執执堅坚堊垩堝埚堯尧報报場场塊块塋茔塒埘塗涂塚冢塢坞塵尘塹堑墊垫墜坠墮堕墳坟墾垦壇坛壎埙壓压壘垒壙圹壞坏壟垄壢坜壩坝壯壮壺壶壽寿夠够"
    "夢梦夥伙夾夹奐奂奧奥奩奁奪夺奮奋妝妆姍姗姦奸娛娱婁娄婦妇媧娲媼媪媽妈嫗妪嫵妩嫻娴嬈娆嬋婵嬌娇嬤嬷嬪嫔嬰婴嬸婶孃娘孫孙學学孿孪宮宫寢寝實实寧宁審审寫写寬宽寵宠寶宝將将專专尋寻對对導导尷尴屆届屍尸屜屉屢屡"
    "層层屨屦屬属岡冈峴岘島岛峽峡崑昆崗岗崙仑崢峥嵐岚嶄崭嶇岖嶸嵘嶺岭嶼屿嶽岳巒峦巔巅巖岩帐账帥帅師师帳账帶带幀帧幃帏幗帼幟帜幣币幫帮幹干幾几庫库廁厕廂厢廄厩廈厦廚厨廝厮廟庙廠厂廢废廣广廬庐廳厅弒弑弔吊張张"
    "強强彆别彈弹彌弥彎弯彙汇彥彦彫雕彿佛後后徑径從从徠徕復复徵征徹彻恆恒恥耻悅悦悵怅悶闷悽凄惡恶惱恼惻恻愛爱愜惬愴怆愷恺愾忾慄栗態态慍愠慘惨慚惭慟恸慣惯慫怂慮虑慶庆慼戚慾欲憂忧憊惫憐怜憑凭憚惮憤愤憫悯憮怃"
    "憲宪憶忆懇恳應应懍懔懣懑懲惩懶懒懷怀懸悬懺忏懼惧懾慑戀恋戰战戲戏戶户拋抛挾挟捨舍捫扪捱挨捲卷掃扫掄抡掙挣掛挂採采揀拣揚扬換换揮挥損损搖摇搗捣搶抢摑掴摟搂摯挚摺折摻掺撈捞撐撑撓挠撥拨撫抚撲扑撳揿撻挞撾挝"
    "撿捡擁拥擄掳擇择擊击擋挡擔担據据擠挤擬拟擰拧擱搁擲掷擴扩擷撷擺摆擻擞擾扰攆撵攏拢攔拦攙搀攜携攝摄攣挛攤摊攪搅攬揽敗败敘叙敵敌數数斂敛斃毙斕斓斬斩斷断於于昇升時时晉晋晝昼暈晕暉晖暢畅暫暂曄晔曆历曇昙曉晓"
    "曖暧曠旷曬晒書书會会朧胧朮术東东枴拐柵栅桿杆梔栀條条梟枭棄弃棗枣棟栋棧栈棲栖楊杨楓枫楨桢業业極极榦干榮荣構构槍枪槓杠槨椁槳桨樁桩樂乐樅枞樑梁樓楼標标樞枢樣样樸朴樹树樺桦橈桡橋桥機机橢椭橫横檔档檜桧檢检"
    "檣樯檯台檳槟檸柠檻槛櫃柜櫓橹櫚榈櫛栉櫝椟櫥橱櫬榇櫻樱欄栏權权欖榄欽钦歎叹歐欧歟欤歡欢歲岁歷历歸归歿殁殘残殤殇殮殓殯殡殲歼殺杀殼壳毀毁毆殴氈毡氣气氫氢氬氩氳氲氾泛汎泛汙污決决沒没沖冲況况洩泄洶汹浹浃涇泾"
    "涼凉淒凄淚泪淨净淪沦淵渊淺浅渙涣減减渦涡測测渾浑湊凑湧涌湯汤準准溝沟溫温溼湿滄沧滅灭滌涤滙汇滬沪滯滞滲渗滷卤滾滚滿满漁渔漢汉漣涟漬渍漲涨漸渐漿浆潑泼潔洁潛潜潤润潯浔潰溃澀涩澆浇澗涧澠渑澤泽澱淀濁浊濃浓"
    "濕湿濘泞濛蒙濟济濤涛濫滥濰潍濱滨濺溅濾滤瀆渎瀉泻瀋沈瀏浏瀕濒瀘泸瀝沥瀟潇瀨濑瀰弥瀲潋瀾澜灑洒灘滩灣湾灤滦災灾為为烏乌無无煉炼煙烟煥焕煩烦煬炀熒荧熱热熾炽燈灯燉炖燒烧燙烫燜焖營营燦灿燬毁燭烛燴烩燻熏燼烬"
    "燾焘爍烁爐炉爛烂爭争爺爷爾尔牆墙牘牍牽牵犖荦犛牦犢犊犧牺狀状狹狭狽狈猙狰猶犹獄狱獅狮獎奖獨独獰狞獲获獵猎獷犷獸兽獺獭獻献玀猡現现琺珐琿珲瑣琐瑤瑶瑩莹瑪玛璣玑璦瑷環环璽玺璿璇瓊琼瓏珑瓔璎瓚瓒甌瓯甕瓮產产"
    "甦苏畝亩畢毕畫画異异當当疇畴疊叠痙痉痠酸瘋疯瘍疡瘓痪瘡疮瘧疟瘺瘘療疗癆痨癒愈癘疠癟瘪癡痴癢痒癥症癩癞癬癣癮瘾癱瘫癲癫發发皚皑皰疱皺皱盃杯盜盗盞盏盡尽監监盤盘盧卢盪荡眾众睏困睜睁睞睐瞞瞒瞼睑矇蒙矚瞩矯矫"
    "硃朱硯砚碩硕確确碼码磚砖磧碛磯矶礎础礙碍礦矿礪砺礫砾礬矾祕秘祿禄禍祸禎祯禦御禪禅禮礼禱祷禿秃秈籼稅税稈秆稜棱稟禀種种稱称穀谷穌稣積积穎颖穡穑穢秽穩稳穫获窩窝窪洼窮穷窯窑窺窥竄窜竅窍竇窦竊窃競竞筆笔筍笋"
    "筧笕箇个箋笺箏筝節节範范築筑篤笃篩筛簍篓簑蓑簞箪簡简簣篑簫箫簽签簾帘籃篮籌筹籟籁籠笼籤签籬篱籮箩籲吁粵粤糝糁糞粪糧粮糰团糾纠紀纪紂纣約约紅红紆纡紇纥紉纫紋纹納纳紐纽純纯紕纰紗纱紙纸級级紛纷紜纭紡纺紮扎"
    "細细紱绂紲绁紳绅紹绍紼绋絀绌終终絃弦組组絆绊結结絕绝絛绦絞绞絡络絢绚給给絨绒統统絲丝絳绛絹绢綁绑綏绥綑捆經经綜综綞缍綠绿綢绸綬绶維维綰绾綱纲網网綴缀綵彩綸纶綺绮綻绽綽绰綾绫綿绵緇缁緊紧緒绪緘缄緙缂線线"
    "緝缉緞缎締缔緣缘編编緩缓緬缅緯纬緲缈練练緹缇緻致縈萦縉缙縊缢縐绉縑缣縛缚縝缜縞缟縣县縫缝縮缩縱纵縲缧縴纤縵缦縷缕縹缥總总績绩繃绷繅缫繆缪繒缯織织繕缮繚缭繞绕繡绣繩绳繪绘繫系繭茧繳缴繹绎繼继繽缤續续纏缠"
    "纓缨纔才纖纤纜缆缽钵罈坛罌罂罰罚罵骂罷罢羅罗羈羁羋芈羨羡義义羶膻習习翹翘聖圣聞闻聯联聰聪聲声聳耸聶聂職职聽听聾聋肅肃脅胁脈脉脣唇脩修脫脱脹胀腎肾腦脑腫肿腳脚腸肠膚肤膠胶膩腻膽胆膾脍膿脓臉脸臍脐臏膑臘腊"
    "臚胪臟脏臥卧臨临臺台與与興兴舉举舊旧艙舱艦舰艱艰艷艳芻刍苧苎茲兹荊荆莊庄莖茎莢荚莧苋華华菴庵菸烟萇苌萊莱萬万萵莴葉叶葦苇葷荤蒐搜蒞莅蒼苍蓀荪蓆席蓋盖蓮莲蔔卜蔣蒋蔥葱蔭荫蕩荡蕪芜蕭萧薊蓟薑姜薔蔷薦荐薩萨"
    "薹苔薺荠藍蓝藝艺藥药藪薮藹蔼藺蔺蘆芦蘇苏蘊蕴蘋苹蘚藓蘭兰蘿萝處处虛虚虜虏號号虧亏蛻蜕蜆蚬蝕蚀蝦虾蝨虱蝸蜗螞蚂螢萤螻蝼蟈蝈蟬蝉蟯蛲蟲虫蟻蚁蠅蝇蠍蝎蠔蚝蠟蜡蠣蛎蠱蛊蠶蚕蠻蛮術术衛卫衝冲衹只袞衮裊袅裏里補补"
    "裝装裡里製制複复褲裤褸褛褻亵襖袄襠裆襤褴襪袜襬摆襯衬襲袭覆复見见規规覓觅視视覦觎親亲覬觊覲觐覺觉覽览觀观觴觞觸触訂订訃讣計计訊讯訌讧討讨訐讦訓训訕讪訖讫託托記记訛讹訝讶訟讼訣诀訥讷訪访設设許许訴诉訶诃"
    "診诊註注証证詁诂詆诋詐诈詔诏評评詛诅詞词詠咏詢询詣诣試试詩诗詫诧詬诟詭诡詮诠詰诘話话該该詳详詼诙誅诛誇夸誌志認认誑诳誕诞誘诱誚诮語语誠诚誡诫誣诬誤误誥诰誦诵誨诲說说誰谁課课誶谇誹诽誼谊調调諂谄諄谆談谈"
    "諉诿請请諍诤諒谅論论諛谀諜谍諦谛諧谐諫谏諭谕諮咨諱讳諳谙諶谌諷讽諸诸諺谚諼谖諾诺謀谋謁谒謂谓謄誊謊谎謎谜謐谧謗谤謙谦講讲謝谢謠谣謨谟謫谪謬谬謹谨譁哗證证譎谲譏讥識识譙谯譚谭譜谱譟噪譫谵譯译議议譴谴護护"
    "譽誉讀读變变讒谗讓让讖谶讚赞讜谠豈岂豎竖豐丰豔艳豬猪貓猫貝贝貞贞負负財财貢贡貧贫貨货販贩貪贪貫贯責责貯贮貲赀貳贰貴贵貶贬買买貸贷費费貼贴貽贻貿贸賀贺賁贲賂赂賃赁賄贿賅赅資资賈贾賊贼賑赈賒赊賓宾賜赐賞赏"
    "賠赔賡赓賢贤賣卖賤贱賦赋質质賬账賭赌賴赖賺赚賻赙購购賽赛贅赘贈赠贊赞贍赡贏赢贓赃贖赎贗赝贛赣趕赶趙赵趨趋跡迹踐践踴踊蹕跸蹟迹蹣蹒蹤踪蹺跷躉趸躊踌躋跻躍跃躑踯躓踬躡蹑躪躏軀躯車车軋轧軌轨軍军軒轩軔轫軛轭"
    "軟软軸轴軻轲軼轶軾轼較较載载輊轾輒辄輓挽輔辅輕轻輛辆輜辎輝辉輞辋輟辍輥辊輦辇輩辈輪轮輯辑輳辏輸输輻辐輾辗輿舆轂毂轄辖轅辕轉转轍辙轎轿轔辚轟轰轡辔辦办辭辞辮辫辯辩農农迴回逕迳這这連连週周進进遊游運运過过"
    "達达違违遙遥遜逊遞递遠远適适遲迟遷迁選选遺遗遼辽邁迈還还邇迩邊边邏逻邐逦郵邮鄉乡鄒邹鄧邓鄭郑鄰邻鄴邺酈郦醃腌醜丑醞酝醣糖醫医醬酱釀酿釁衅釅酽釋释釐厘釗钊釘钉釙钋針针釣钓釦扣釧钏釩钒釵钗鈉钠鈍钝鈐钤鈑钣"
    "鈔钞鈕钮鈞钧鈣钙鈴铃鈷钴鈸钹鈹铍鈽钸鈾铀鈿钿鉀钾鉅巨鉉铉鉍铋鉑铂鉗钳鉚铆鉛铅鉤钩鉸铰鉻铬銀银銅铜銑铣銓铨銖铢銘铭銜衔銨铵銬铐銳锐銷销銻锑銼锉鋁铝鋅锌鋇钡鋒锋鋤锄鋪铺鋰锂鋸锯鋼钢錄录錐锥錕锟錘锤錙锱錚铮"
    "錠锭錢钱錦锦錨锚錫锡錮锢錯错錳锰錶表鍊炼鍋锅鍍镀鍔锷鍛锻鍥锲鍬锹鍰锾鍵键鍾钟鎂镁鎊镑鎖锁鎘镉鎚锤鎢钨鎬镐鎮镇鎰镒鎳镍鏃镞鏈链鏍镙鏑镝鏗铿鏘锵鏜镗鏝镘鏟铲鏡镜鏢镖鏤镂鏨錾鏽锈鐃铙鐘钟鐫镌鐮镰鐲镯鐳镭鐵铁"
    "鐸铎鐺铛鑄铸鑑鉴鑒鉴鑠铄鑣镳鑰钥鑲镶鑷镊鑼锣鑽钻鑾銮鑿凿長长門门閂闩閃闪閉闭開开閎闳閏闰閑闲閒闲間间閔闵閘闸閡阂閣阁閤合閥阀閨闺閩闽閭闾閱阅閻阎闆板闈闱闊阔闋阕闌阑闐阗闔阖闕阙闖闯關关闡阐闢辟陘陉陝陕"
    "陞升陣阵陰阴陳陈陸陆陽阳隊队階阶隕陨際际隨随險险隱隐隴陇隸隶隻只雋隽雖虽雙双雛雏雜杂雞鸡離离難难雲云電电霑沾霧雾霽霁靂雳靄霭靈灵靜静靦腼靨靥鞏巩鞦秋韁缰韃鞑韆千韉鞯韋韦韌韧韓韩韜韬韻韵響响頁页頂顶頃顷"
    "項项順顺須须頊顼頌颂預预頑顽頒颁頓顿頗颇領领頜颌頡颉頤颐頭头頰颊頷颔頸颈頹颓頻频顆颗題题額额顎颚顏颜顓颛願愿顛颠類类顥颢顧顾顫颤顯显顰颦顱颅風风颯飒颱台颳刮颶飓颼飕飄飘飛飞飢饥飩饨飪饪飭饬飯饭飲饮飴饴"
    "飼饲飽饱飾饰餃饺餅饼餉饷養养餌饵餒馁餓饿餘余餚肴餛馄餞饯餡馅館馆餵喂餾馏餿馊饅馒饉馑饋馈饑饥饒饶饗飨饜餍饞馋馬马馭驭馮冯馱驮馳驰馴驯駁驳駐驻駑驽駒驹駕驾駙驸駛驶駝驼駟驷駢骈駭骇駱骆駿骏騁骋騎骑騖骛騙骗"
    "騫骞騰腾騷骚騾骡驀蓦驃骠驅驱驍骁驕骄驗验驚惊驛驿驟骤驢驴驥骥驪骊骯肮髏髅髒脏體体髖髋髮发鬆松鬍胡鬚须鬢鬓鬥斗鬧闹鬨哄鬱郁魎魉魘魇魚鱼魯鲁魷鱿鮑鲍鮪鲔鮫鲛鮭鲑鮮鲜鯀鲧鯉鲤鯊鲨鯖鲭鯛鲷鯧鲳鯨鲸鯽鲫鰍鳅鰓鳃"
    "鰥鳏鰭鳍鰱鲢鰻鳗鰾鳔鱉鳖鱔鳝鱖鳜鱗鳞鱟鲎鱷鳄鱸鲈鳥鸟鳩鸠鳳凤鳴鸣鳶鸢鴆鸩鴉鸦鴕鸵鴛鸳鴣鸪鴦鸯鴨鸭鴻鸿鴿鸽鵑鹃鵝鹅鵠鹄鵡鹉鵪鹌鵬鹏鵲鹊鶉鹑鶯莺鶴鹤鷂鹞鷓鹧鷗鸥鷥鸶鷹鹰鷺鹭鸚鹦鸛鹳鸞鸾鹵卤鹹咸鹼碱鹽盐麗丽"
    "麥麦麩麸麴曲麵面麼么黃黄黌黉點点黨党黴霉黷黩鼕冬鼴鼹齊齐齋斋齒齿齜龇齟龃齡龄齣出齦龈齧啮齪龊齬龉齲龋齷龌龍龙龐庞龔龚龜龟";

constexpr uint32_t kDenseFirst = 0x3400, kDenseLast = 0x9FFF;

// code point - kDenseFirst -> simplified code point (0: unchanged), built once from kTradSimp.
const std::vector<uint32_t>& simplified_table() {
  static const std::vector<uint32_t> table = [] {
    std::vector<uint32_t> t(kDenseLast - kDenseFirst + 1, 0);
    std::string_view s(kTradSimp);
    size_t i = 0;
    while (i < s.size()) {
      const uint32_t trad = next_codepoint(s, i);
      const uint32_t simp = next_codepoint(s, i);
      if (trad >= kDenseFirst && trad <= kDenseLast) t[trad - kDenseFirst] = simp;
    }
    return t;
  }();
  return table;
}

}  // namespace

size_t trad_simp_pairs() { return utf8_length(kTradSimp) / 2; }

uint32_t normalize_codepoint(uint32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;          // full-width ASCII
  else if (cp == 0x3000) cp = ' ';                          // ideographic space
  else if (cp == 0x2018 || cp == 0x2019) cp = '\'';         // curly apostrophes
  else if (cp >= kDenseFirst && cp <= kDenseLast) {
    const uint32_t s = simplified_table()[cp - kDenseFirst];
    if (s) cp = s;
  }
  if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
  return cp;
}

std::string normalize_text(std::string_view utf8) {
  std::string out;
  if (!is_valid_utf8(utf8)) return out;
  out.reserve(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) append_utf8(out, normalize_codepoint(next_codepoint(utf8, i)));
  return out;
}

// ---- terms --------------------------------------------------------------------------------
namespace {

enum class TermKind { bigram, lone_char, letters, digits, digit_gram };

// Keys of the terms kept in `fixed_terms_`: a tag in the top bits, code points (21 bits
// each) or the value of 4 digits below.
constexpr uint64_t kBigramTag = 1ull << 60, kCharTag = 2ull << 60, kGramTag = 3ull << 60;
constexpr uint64_t kTagMask = 0xFull << 60, kCpMask = 0x1FFFFF;
constexpr uint32_t kNone = 0xFFFFFFFFu;

uint64_t bigram_key(uint32_t a, uint32_t b) { return kBigramTag | (uint64_t{a} << 21) | b; }

// Calls f(kind, key, word) for every term of normalised text, in order: `key` for CJK
// terms and digit grams, `word` for letters and digit runs shorter than 4.
template <class F>
void for_each_term(std::string_view norm, F&& f) {
  for_each_run(
      norm,
      [&](std::string_view run) {
        size_t i = 0;
        uint32_t prev = next_codepoint(run, i);
        if (i == run.size()) {
          f(TermKind::lone_char, kCharTag | prev, std::string_view());
          return;
        }
        while (i < run.size()) {
          const uint32_t cp = next_codepoint(run, i);
          f(TermKind::bigram, bigram_key(prev, cp), std::string_view());
          prev = cp;
        }
      },
      [&](const std::string& w) {
        auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
        size_t i = 0;
        while (i < w.size()) {
          const bool digits = is_digit(w[i]);
          size_t j = i;
          while (j < w.size() && is_digit(w[j]) == digits) ++j;
          const std::string_view part(w.data() + i, j - i);
          if (!digits) {
            f(TermKind::letters, 0, part);
          } else if (part.size() < 4) {
            f(TermKind::digits, 0, part);
          } else {
            for (size_t k = 0; k + 4 <= part.size(); ++k) {
              uint64_t v = 0;
              for (size_t m = k; m < k + 4; ++m) v = v * 10 + static_cast<uint64_t>(part[m] - '0');
              f(TermKind::digit_gram, kGramTag | v, std::string_view());
            }
          }
          i = j;
        }
      });
}

// Grows a posting list by a quarter, not the doubling of push_back: lists are most of the
// index's memory.
template <class V>
void reserve_one_more(V& v) {
  if (v.size() == v.capacity()) v.reserve(v.size() + v.size() / 4 + 4);
}

// The sorted intersection of two ascending lists; gallops through `b` (the longer).
void intersect(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, std::vector<uint32_t>& out) {
  out.clear();
  size_t j = 0;
  for (uint32_t x : a) {
    size_t lo = j, hi = j, step = 1;
    while (hi < b.size() && b[hi] < x) {
      lo = hi + 1;
      hi += step;
      step <<= 1;
    }
    const size_t end = std::min(hi + 1, b.size());
    j = static_cast<size_t>(std::lower_bound(b.begin() + static_cast<std::ptrdiff_t>(lo),
                                             b.begin() + static_cast<std::ptrdiff_t>(end), x) -
                            b.begin());
    if (j >= b.size()) break;
    if (b[j] == x) out.push_back(x), ++j;
  }
}

}  // namespace

std::vector<std::string> search_terms(std::string_view text) {
  std::vector<std::string> out;
  for_each_term(normalize_text(text), [&](TermKind kind, uint64_t key, std::string_view word) {
    std::string t;
    switch (kind) {
      case TermKind::bigram:
        append_utf8(t, static_cast<uint32_t>((key >> 21) & kCpMask));
        append_utf8(t, static_cast<uint32_t>(key & kCpMask));
        break;
      case TermKind::lone_char:
        append_utf8(t, static_cast<uint32_t>(key & kCpMask));
        break;
      case TermKind::letters:
      case TermKind::digits:
        t = word;
        break;
      case TermKind::digit_gram: {
        const std::string v = std::to_string(key & 0xFFFF);
        t = "#" + std::string(4 - v.size(), '0') + v;
        break;
      }
    }
    out.push_back(std::move(t));
  });
  return out;
}

// ---- TextIndex ------------------------------------------------------------------------------

uint32_t TextIndex::term_id(uint64_t key) {
  auto [it, inserted] = fixed_terms_.try_emplace(key, static_cast<uint32_t>(postings_.size()));
  if (inserted) {
    postings_.emplace_back();
    const uint64_t tag = key & kTagMask;
    if (tag == kBigramTag) {
      const auto a = static_cast<uint32_t>((key >> 21) & kCpMask), b = static_cast<uint32_t>(key & kCpMask);
      char_terms_[a].push_back(it->second);
      if (b != a) char_terms_[b].push_back(it->second);
    } else if (tag == kCharTag) {
      char_terms_[static_cast<uint32_t>(key & kCpMask)].push_back(it->second);
    }
  }
  return it->second;
}

uint32_t TextIndex::word_id(const std::string& w) {
  auto [it, inserted] = words_.try_emplace(w, static_cast<uint32_t>(postings_.size()));
  if (inserted) postings_.emplace_back();
  return it->second;
}

bool TextIndex::contains(uint32_t doc) const { return doc < doc_slot_.size() && doc_slot_[doc] != kNone; }

void TextIndex::clear() {
  *this = TextIndex(keep_tf_);
}

void TextIndex::add(uint32_t doc, std::string_view text) {
  if (doc == kNone) return;
  std::vector<uint32_t> ids;
  for_each_term(normalize_text(text), [&](TermKind kind, uint64_t key, std::string_view word) {
    ids.push_back(kind == TermKind::letters || kind == TermKind::digits ? word_id(std::string(word)) : term_id(key));
  });
  std::sort(ids.begin(), ids.end());

  if (contains(doc)) remove(doc);  // its postings stay, dead, until compact()
  if (doc >= doc_slot_.size()) doc_slot_.resize(static_cast<size_t>(doc) + 1, kNone);
  const auto slot = static_cast<uint32_t>(slot_doc_.size());
  slot_doc_.push_back(doc);
  doc_slot_[doc] = slot;
  uint32_t unique = 0;
  for (size_t i = 0; i < ids.size();) {
    size_t j = i;
    while (j < ids.size() && ids[j] == ids[i]) ++j;
    Postings& p = postings_[ids[i]];
    reserve_one_more(p.slots);
    p.slots.push_back(slot);
    if (keep_tf_) {
      reserve_one_more(p.tf);
      p.tf.push_back(static_cast<uint16_t>(std::min<size_t>(j - i, 0xFFFF)));
    }
    ++unique;
    i = j;
  }
  slot_terms_.push_back(unique);
  slot_len_.push_back(static_cast<uint32_t>(ids.size()));
  ++live_docs_;
  total_postings_ += unique;
  live_length_ += ids.size();
}

void TextIndex::remove(uint32_t doc) {
  if (!contains(doc)) return;
  const uint32_t slot = doc_slot_[doc];
  doc_slot_[doc] = kNone;
  --live_docs_;
  dead_postings_ += slot_terms_[slot];
  live_length_ -= slot_len_[slot];
  maybe_compact();
}

void TextIndex::maybe_compact() {
  if (dead_postings_ > 4096 && dead_postings_ * 4 > total_postings_) compact();
}

void TextIndex::compact() {
  std::vector<uint32_t> renumber(slot_doc_.size(), kNone);
  uint32_t next = 0;
  for (uint32_t s = 0; s < slot_doc_.size(); ++s)
    if (live(s)) renumber[s] = next++;
  for (Postings& p : postings_) {
    size_t w = 0;
    for (size_t r = 0; r < p.slots.size(); ++r) {
      const uint32_t s = renumber[p.slots[r]];
      if (s == kNone) continue;
      p.slots[w] = s;
      if (keep_tf_) p.tf[w] = p.tf[r];
      ++w;
    }
    p.slots.resize(w);
    if (keep_tf_) p.tf.resize(w);
    if (p.slots.capacity() > w + w / 4 + 8) {
      p.slots.shrink_to_fit();
      if (keep_tf_) p.tf.shrink_to_fit();
    }
  }
  std::vector<uint32_t> doc(next), terms(next), len(next);
  for (uint32_t s = 0; s < slot_doc_.size(); ++s) {
    const uint32_t n = renumber[s];
    if (n == kNone) continue;
    doc[n] = slot_doc_[s];
    terms[n] = slot_terms_[s];
    len[n] = slot_len_[s];
    doc_slot_[slot_doc_[s]] = n;
  }
  slot_doc_.swap(doc);
  slot_terms_.swap(terms);
  slot_len_.swap(len);
  total_postings_ -= dead_postings_;
  dead_postings_ = 0;
}

TextIndex::Query TextIndex::parse_query(std::string_view query) const {
  Query q;
  std::unordered_map<uint64_t, size_t> seen_key;
  std::map<std::string, size_t, std::less<>> seen_word;
  auto add = [&](auto& seen, auto key, auto make) {
    auto it = seen.find(key);
    if (it != seen.end()) {
      ++q.repeats[it->second];
      return;
    }
    seen.emplace(key, q.terms.size());
    q.terms.push_back(make());
    q.repeats.push_back(1);
  };
  for_each_term(normalize_text(query), [&](TermKind kind, uint64_t key, std::string_view word) {
    switch (kind) {
      case TermKind::bigram:
      case TermKind::digit_gram:
        add(seen_key, key, [&] {
          auto it = fixed_terms_.find(key);
          return it == fixed_terms_.end() ? QueryTerm{} : QueryTerm{it->second};
        });
        break;
      case TermKind::lone_char:
        add(seen_key, key, [&] {
          auto it = char_terms_.find(static_cast<uint32_t>(key & kCpMask));
          return it == char_terms_.end() ? QueryTerm{} : it->second;
        });
        break;
      case TermKind::letters:
      case TermKind::digits:
        add(seen_word, std::string(word), [&] {
          QueryTerm t;
          if (kind == TermKind::letters && word.size() >= 2) {  // a prefix
            for (auto it = words_.lower_bound(word); it != words_.end() && it->first.compare(0, word.size(), word) == 0; ++it)
              t.push_back(it->second);
          } else if (auto it = words_.find(word); it != words_.end()) {
            t.push_back(it->second);
          }
          return t;
        });
        break;
    }
  });
  return q;
}

const std::vector<uint32_t>& TextIndex::term_slots(const QueryTerm& t, std::vector<uint32_t>& scratch) const {
  if (t.size() == 1) return postings_[t[0]].slots;
  scratch.clear();
  size_t total = 0;
  for (uint32_t id : t) total += postings_[id].slots.size();
  if (total * 16 < slot_doc_.size()) {  // few: sort them
    for (uint32_t id : t) scratch.insert(scratch.end(), postings_[id].slots.begin(), postings_[id].slots.end());
    std::sort(scratch.begin(), scratch.end());
    scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());
    return scratch;
  }
  std::vector<uint64_t> bits((slot_doc_.size() + 63) / 64, 0);  // many: a bitmap of the slots
  for (uint32_t id : t)
    for (uint32_t s : postings_[id].slots) bits[s >> 6] |= uint64_t{1} << (s & 63);
  for (size_t w = 0; w < bits.size(); ++w)
    for (uint64_t b = bits[w]; b; b &= b - 1)
      scratch.push_back(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(b))));
  return scratch;
}

std::vector<uint32_t> TextIndex::search(std::string_view query, size_t limit, const std::vector<bool>* allowed) const {
  std::vector<uint32_t> out;
  const Query q = parse_query(query);
  if (q.terms.empty()) return out;
  for (const QueryTerm& t : q.terms)
    if (t.empty()) return out;
  std::vector<std::vector<uint32_t>> scratch(q.terms.size());
  std::vector<const std::vector<uint32_t>*> lists;
  for (size_t i = 0; i < q.terms.size(); ++i) lists.push_back(&term_slots(q.terms[i], scratch[i]));
  std::sort(lists.begin(), lists.end(), [](auto* a, auto* b) { return a->size() < b->size(); });
  const std::vector<uint32_t>* found = lists[0];
  std::vector<uint32_t> acc, next;
  for (size_t k = 1; k < lists.size() && !found->empty(); ++k) {
    intersect(*found, *lists[k], next);
    acc.swap(next);
    found = &acc;
  }
  for (auto it = found->rbegin(); it != found->rend(); ++it) {
    if (!live(*it)) continue;
    const uint32_t doc = slot_doc_[*it];
    if (allowed && (doc >= allowed->size() || !(*allowed)[doc])) continue;
    out.push_back(doc);
    if (limit && out.size() == limit) break;
  }
  return out;
}

std::vector<TextIndex::Match> TextIndex::best_matches(std::string_view query, size_t limit,
                                                      const std::vector<bool>* allowed) const {
  std::vector<Match> out;
  const Query q = parse_query(query);
  if (q.terms.empty() || live_docs_ == 0) return out;
  constexpr double k1 = 1.2, b = 0.75, k3 = 1.2;
  const double n = static_cast<double>(live_docs_);
  const double avg_len = std::max(1.0, static_cast<double>(live_length_) / n);
  std::vector<double> score(slot_doc_.size(), 0.0);
  std::vector<uint32_t> scratch;
  for (size_t i = 0; i < q.terms.size(); ++i) {
    const QueryTerm& t = q.terms[i];
    if (t.empty()) continue;
    const std::vector<uint32_t>& slots = term_slots(t, scratch);
    const std::vector<uint16_t>* tf = keep_tf_ && t.size() == 1 ? &postings_[t[0]].tf : nullptr;
    size_t df = 0;
    for (uint32_t s : slots) df += live(s);
    if (df == 0) continue;
    const double idf = std::log(1.0 + (n - static_cast<double>(df) + 0.5) / (static_cast<double>(df) + 0.5));
    const double r = q.repeats[i];
    const double weight = idf * (k3 + 1) * r / (k3 + r);
    for (size_t j = 0; j < slots.size(); ++j) {
      const uint32_t s = slots[j];
      if (!live(s)) continue;
      const double f = tf ? (*tf)[j] : 1.0;
      const double norm = k1 * (1 - b + b * slot_len_[s] / avg_len);
      score[s] += weight * f * (k1 + 1) / (f + norm);
    }
  }
  for (uint32_t s = 0; s < score.size(); ++s) {
    if (score[s] <= 0) continue;
    const uint32_t doc = slot_doc_[s];
    if (allowed && (doc >= allowed->size() || !(*allowed)[doc])) continue;
    out.push_back({doc, score[s]});
  }
  std::sort(out.begin(), out.end(), [](const Match& x, const Match& y) {
    return x.score != y.score ? x.score > y.score : x.doc < y.doc;
  });
  if (limit && out.size() > limit) out.resize(limit);
  return out;
}

TextIndex::Stats TextIndex::stats() const {
  Stats st;
  st.docs = live_docs_;
  st.slots = slot_doc_.size();
  st.terms = postings_.size();
  st.postings = total_postings_;
  st.dead_postings = dead_postings_;
  size_t bytes = postings_.capacity() * sizeof(Postings);
  for (const Postings& p : postings_) bytes += p.slots.capacity() * sizeof(uint32_t) + p.tf.capacity() * sizeof(uint16_t);
  bytes += (slot_doc_.capacity() + slot_terms_.capacity() + slot_len_.capacity() + doc_slot_.capacity()) * sizeof(uint32_t);
  // hash and tree nodes: key, value, links and the allocator's header, roughly
  bytes += fixed_terms_.size() * (sizeof(uint64_t) + sizeof(uint32_t) + 2 * sizeof(void*) + 8) +
           fixed_terms_.bucket_count() * sizeof(void*);
  for (const auto& [w, id] : words_) bytes += 4 * sizeof(void*) + sizeof(std::string) + sizeof(id) + w.capacity();
  for (const auto& [cp, ids] : char_terms_) bytes += 4 * sizeof(void*) + ids.capacity() * sizeof(uint32_t);
  st.bytes = bytes;
  return st;
}

}  // namespace edudesk
