// The surveys the desk ships (issue 5), in Chinese: the after-ticket CSAT, the seeds'
// full satisfaction questionnaire, the call-back (回访) script and the quality-review
// (质检) checklist. Supervisors publish new versions of them from the desk.
#include "core/survey_templates.h"

namespace edudesk {

namespace {
const char* const kCsat = R"({
 "id": "csat", "title": "工单服务满意度", "kind": "survey",
 "sections": [{"title": "本次服务", "questions": [
  {"id": "overall", "type": "likert5", "text": "您对本次服务的整体满意度", "required": true},
  {"id": "speed", "type": "likert5", "text": "您对客服响应速度的满意度", "required": true},
  {"id": "solved", "type": "single", "text": "您的问题解决了吗？", "required": true,
   "options": [{"value": "yes", "label": "已解决"}, {"value": "partly", "label": "部分解决"}, {"value": "no", "label": "未解决"}]},
  {"id": "why_low", "type": "multiple", "text": "不满意的主要原因（可多选）",
   "show_if": {"question": "overall", "in": [1, 2]},
   "options": [{"value": "slow", "label": "响应太慢"}, {"value": "unsolved", "label": "问题没解决"},
               {"value": "attitude", "label": "服务态度"}, {"value": "process", "label": "流程繁琐"},
               {"value": "policy", "label": "退款/售后政策"}, {"value": "other", "label": "其他"}]},
  {"id": "nps", "type": "nps", "text": "您有多大可能向朋友推荐我们的课程？（0-10）"},
  {"id": "comment", "type": "text", "text": "还有什么想对我们说的？", "max": 500}
 ]}]})";

const char* const kFull = R"({
 "id": "full", "title": "学员满意度调查问卷", "kind": "survey",
 "sections": [
  {"title": "基本信息", "questions": [
   {"id": "age_group", "type": "single", "text": "您的年龄段", "demographic": "age_group",
    "options": [{"value": "under_18", "label": "18岁以下"}, {"value": "18_24", "label": "18-24岁"},
                {"value": "25_34", "label": "25-34岁"}, {"value": "35_44", "label": "35-44岁"},
                {"value": "45_plus", "label": "45岁及以上"}]},
   {"id": "gender", "type": "single", "text": "您的性别", "demographic": "gender",
    "options": [{"value": "female", "label": "女"}, {"value": "male", "label": "男"}, {"value": "na", "label": "不愿透露"}]},
   {"id": "occupation", "type": "single", "text": "您的职业", "demographic": "occupation",
    "options": [{"value": "student", "label": "学生"}, {"value": "employee", "label": "企业职员"},
                {"value": "civil", "label": "公务员/事业单位"}, {"value": "self", "label": "自由职业/个体"},
                {"value": "parent", "label": "全职家长"}, {"value": "other", "label": "其他"}]}
  ]},
  {"title": "服务满意度", "questions": [
   {"id": "content", "type": "likert5", "text": "课程内容的实用性", "required": true},
   {"id": "teacher", "type": "likert5", "text": "授课老师的讲解水平", "required": true},
   {"id": "effect", "type": "likert5", "text": "学习效果", "required": true},
   {"id": "platform", "type": "likert5", "text": "平台与APP的易用性和稳定性", "required": true},
   {"id": "service", "type": "likert5", "text": "客服的服务质量", "required": true},
   {"id": "after_sales", "type": "likert5", "text": "售后处理（退款、调课、发票）"},
   {"id": "overall", "type": "rating", "text": "总体评分（1-5分）", "required": true},
   {"id": "nps", "type": "nps", "text": "您有多大可能向朋友推荐我们？（0-10）"},
   {"id": "hours", "type": "number", "text": "您平均每周学习多少小时？", "min": 0, "max": 80}
  ]},
  {"title": "问题与建议", "questions": [
   {"id": "improve", "type": "multiple", "text": "您最希望我们改进哪些方面？（可多选）",
    "options": [{"value": "content", "label": "课程内容"}, {"value": "teacher", "label": "师资"},
                {"value": "app", "label": "APP体验"}, {"value": "service", "label": "客服服务"},
                {"value": "price", "label": "价格"}, {"value": "schedule", "label": "上课时间安排"}]},
   {"id": "suggestion", "type": "text", "text": "您遇到的问题和建议", "max": 2000}
  ]}]})";

const char* const kCallback = R"({
 "id": "callback", "title": "工单回访", "kind": "survey",
 "sections": [{"title": "电话回访话术", "questions": [
  {"id": "reached", "type": "single", "text": "您好，这里是客服中心，想了解一下您之前反映的问题处理得怎么样了？（是否联系上客户）", "required": true,
   "options": [{"value": "yes", "label": "已接通"}, {"value": "no_answer", "label": "无人接听"}, {"value": "refused", "label": "客户拒绝回访"}]},
  {"id": "solved", "type": "single", "text": "问题现在解决了吗？", "required": true,
   "show_if": {"question": "reached", "in": ["yes"]},
   "options": [{"value": "yes", "label": "已解决"}, {"value": "partly", "label": "部分解决"}, {"value": "no", "label": "未解决"}]},
  {"id": "satisfaction", "type": "likert5", "text": "您对这次处理的满意度", "required": true,
   "show_if": {"question": "reached", "in": ["yes"]}},
  {"id": "follow_up", "type": "single", "text": "还需要我们继续跟进吗？", "show_if": {"question": "reached", "in": ["yes"]},
   "options": [{"value": "yes", "label": "需要"}, {"value": "no", "label": "不需要"}]},
  {"id": "follow_what", "type": "text", "text": "需要跟进的事项", "show_if": {"question": "follow_up", "in": ["yes"]}, "max": 500},
  {"id": "suggestion", "type": "text", "text": "对我们的课程和服务还有什么建议？", "show_if": {"question": "reached", "in": ["yes"]}, "max": 1000}
 ]}]})";

const char* const kQa = R"({
 "id": "qa", "title": "工单质检评分", "kind": "qa_review",
 "sections": [{"title": "质检清单", "questions": [
  {"id": "greeting", "type": "rating", "text": "问候规范并核实了身份和订单信息", "required": true},
  {"id": "empathy", "type": "rating", "text": "体现同理心，安抚客户情绪", "required": true},
  {"id": "correct", "type": "rating", "text": "答复准确、符合政策", "required": true},
  {"id": "promise", "type": "single", "text": "承诺的跟进是否按时兑现", "required": true,
   "options": [{"value": "kept", "label": "已兑现"}, {"value": "late", "label": "延迟兑现"}, {"value": "broken", "label": "未兑现"}, {"value": "none", "label": "无承诺"}]},
  {"id": "note", "type": "text", "text": "质检意见", "max": 1000}
 ]}]})";
}  // namespace

const char* const kSurveyTemplates[] = {kCsat, kFull, kCallback, kQa, nullptr};

std::vector<SurveySchema> survey_templates() {
  std::vector<SurveySchema> out;
  for (const char* const* t = kSurveyTemplates; *t; ++t) {
    SurveySchema s;
    Error err;
    if (parse_survey_schema(nlohmann::json::parse(*t), s, err)) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace edudesk
