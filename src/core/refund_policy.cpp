#include "core/refund_policy.h"

#include <limits>

#include "core/utf8.h"

namespace edudesk {

namespace {

__extension__ typedef __int128 i128;

constexpr int64_t kMsPerDay = 86400000;

bool fail(Error& err, const char* code, std::string field, std::string message) {
  err = {code, std::move(field), std::move(message)};
  return false;
}

// Floor division for a positive divisor.
i128 floor_div(i128 a, i128 b) {
  i128 q = a / b;
  if ((a % b) != 0 && a < 0) --q;
  return q;
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, day 0 = 1970-01-01).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t y, m, d;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t days_in_month(int64_t y, int64_t m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// A local time (UTC ms + offset, possibly beyond int64) as "2026年11月1日 10:00".
std::string format_local(i128 local_ms) {
  const i128 days = floor_div(local_ms, kMsPerDay);
  const int64_t ms_of_day = static_cast<int64_t>(local_ms - days * kMsPerDay);
  const Civil c = civil_from_days(static_cast<int64_t>(days));
  const int64_t minutes = ms_of_day / 60000;
  const int64_t hh = minutes / 60, mm = minutes % 60;
  std::string out = std::to_string(c.y) + "年" + std::to_string(c.m) + "月" + std::to_string(c.d) + "日 ";
  out += static_cast<char>('0' + hh / 10);
  out += static_cast<char>('0' + hh % 10);
  out += ':';
  out += static_cast<char>('0' + mm / 10);
  out += static_cast<char>('0' + mm % 10);
  return out;
}

std::string format_local_i128(i128 utc_ms, int64_t offset_minutes) {
  return format_local(utc_ms + static_cast<i128>(offset_minutes) * 60000);
}

// paid × lessons / total, rounded down; 0 ≤ lessons ≤ total and paid ≥ 0 are checked before.
Fen pro_rata(Fen paid, int64_t lessons, int64_t total) {
  return static_cast<Fen>(static_cast<i128>(paid) * lessons / total);
}

bool is_fault_rule(RefundRule r) { return r == RefundRule::platform_fault || r == RefundRule::personal; }

}  // namespace

int authority_rank(Role r) {
  switch (r) {
    case Role::junior: return 0;
    case Role::mid: return 1;
    case Role::senior: return 2;
    case Role::supervisor: return 3;
    case Role::tech_support: return -1;
  }
  return -1;
}

namespace {

std::string n(int64_t v) { return std::to_string(v); }

// "7天" when the window is whole days, else "36小时".
std::string window_text(int64_t hours) { return hours % 24 == 0 ? n(hours / 24) + "天" : n(hours) + "小时"; }

const char* reason_zh(RefundReason r) {
  switch (r) {
    case RefundReason::quality_mismatch: return "课程内容与宣传不符";
    case RefundReason::technical_failure: return "平台技术故障";
    case RefundReason::duplicate_purchase: return "重复购买";
    case RefundReason::personal: return "个人原因";
  }
  return "个人原因";
}

}  // namespace

const char* to_id(RefundReason r) {
  switch (r) {
    case RefundReason::personal: return "personal";
    case RefundReason::quality_mismatch: return "quality_mismatch";
    case RefundReason::technical_failure: return "technical_failure";
    case RefundReason::duplicate_purchase: return "duplicate_purchase";
  }
  return "personal";
}

const char* to_id(RefundRule r) {
  switch (r) {
    case RefundRule::cooling_off: return "cooling_off";
    case RefundRule::duplicate: return "duplicate";
    case RefundRule::platform_fault: return "platform_fault";
    case RefundRule::personal: return "personal";
  }
  return "personal";
}

std::optional<RefundReason> parse_refund_reason(std::string_view s) { return parse_id(kRefundReasons, s); }

std::optional<RefundRule> parse_refund_rule(std::string_view s) { return parse_id(kRefundRules, s); }

const Authority& RefundPolicy::authority(Role r) const {
  static const Authority kNone{0, false, 0, 0};
  switch (r) {
    case Role::junior: return junior;
    case Role::mid: return mid;
    case Role::senior: return senior;
    case Role::supervisor: return supervisor;
    case Role::tech_support: return kNone;
  }
  return kNone;
}

bool may_approve(const RefundPolicy& p, Role role, Fen refund_fen, RefundRule rule) {
  const Authority& a = p.authority(role);
  if (is_fault_rule(rule) && !a.any_rule) return false;
  return a.refund_limit_fen < 0 || refund_fen <= a.refund_limit_fen;
}

std::string format_yuan(Fen fen) {
  // The magnitude as unsigned: -INT64_MIN does not fit an int64.
  const uint64_t mag = fen < 0 ? uint64_t{0} - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  const std::string digits = std::to_string(mag / 100);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  const uint64_t cents = mag % 100;
  std::string out = fen < 0 ? "-¥" : "¥";
  out += grouped;
  out += '.';
  out += static_cast<char>('0' + cents / 10);
  out += static_cast<char>('0' + cents % 10);
  return out;
}

bool parse_yuan(std::string_view t, Fen& out) {
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  if (t.substr(0, 2) == "\xC2\xA5") t.remove_prefix(2);  // ¥
  else if (t.substr(0, 3) == "\xEF\xBF\xA5") t.remove_prefix(3);  // ￥ (full width)
  Fen yuan = 0, cents = 0;
  int digits = 0, decimals = -1;
  for (char c : t) {
    if (c == ',' && decimals < 0 && digits > 0) continue;
    if (c == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return false;
    if (decimals >= 0) {
      if (++decimals > 2) return false;
      cents = cents * 10 + (c - '0');
    } else {
      if (++digits > 11) return false;  // ¥100,000,000,000 is beyond any course
      yuan = yuan * 10 + (c - '0');
    }
  }
  if (digits == 0 && decimals <= 0) return false;
  if (decimals == 1) cents *= 10;
  out = yuan * 100 + cents;
  return true;
}

bool parse_iso8601(std::string_view s, int64_t default_offset_minutes, int64_t& out_ms) {
  size_t i = 0;
  auto digits = [&](size_t count, int64_t& v) {
    if (i + count > s.size()) return false;
    v = 0;
    for (size_t k = 0; k < count; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i += count;
    return true;
  };
  auto take = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, frac_ms = 0;
  if (!digits(4, y) || !take('-') || !digits(2, mo) || !take('-') || !digits(2, d)) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return false;
  int64_t offset = default_offset_minutes;
  if (i < s.size()) {
    if (!(take('T') || take('t') || take(' '))) return false;
    if (!digits(2, h) || !take(':') || !digits(2, mi)) return false;
    if (take(':')) {
      if (!digits(2, sec)) return false;
      if (take('.') || take(',')) {
        size_t start = i;
        int64_t scale = 100;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          frac_ms += (s[i] - '0') * scale;  // digits past milliseconds are cut off
          scale /= 10;
          ++i;
        }
        if (i == start) return false;
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return false;
    if (take('Z') || take('z')) {
      offset = 0;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      const int64_t sign = s[i] == '-' ? -1 : 1;
      ++i;
      int64_t oh = 0, om = 0;
      if (!digits(2, oh)) return false;
      if (i < s.size()) {
        take(':');
        if (!digits(2, om)) return false;
      }
      if (oh > 23 || om > 59) return false;
      offset = sign * (oh * 60 + om);
    }
    if (i != s.size()) return false;
  }
  const i128 local = (static_cast<i128>(days_from_civil(y, mo, d)) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + frac_ms;
  const i128 utc = local - static_cast<i128>(offset) * 60000;
  if (utc > std::numeric_limits<int64_t>::max() || utc < std::numeric_limits<int64_t>::min()) return false;
  out_ms = static_cast<int64_t>(utc);
  return true;
}

std::string format_local_zh(int64_t ms, int64_t offset_minutes) { return format_local_i128(ms, offset_minutes); }

bool quote_refund(const RefundPolicy& p, const RefundFacts& f, Role agent_role, RefundQuote& out, Error& err) {
  const char* bad = "invalid_value";
  if (f.paid_fen < 0) return fail(err, bad, "paid_fen", "cannot be negative (got " + n(f.paid_fen) + ")");
  if (f.materials_fee_fen < 0)
    return fail(err, bad, "materials_fee_fen", "cannot be negative (got " + n(f.materials_fee_fen) + ")");
  if (f.lessons_total < 1)
    return fail(err, bad, "lessons_total",
                "must be at least 1 (got " + n(f.lessons_total) + "); a course without lessons cannot be pro-rated");
  if (f.lessons_attended < 0)
    return fail(err, bad, "lessons_attended", "cannot be negative (got " + n(f.lessons_attended) + ")");
  if (f.fault_affected_lessons < 0)
    return fail(err, bad, "fault_affected_lessons", "cannot be negative (got " + n(f.fault_affected_lessons) + ")");
  if (f.lessons_attended > f.lessons_total)
    return fail(err, bad, "lessons_attended",
                n(f.lessons_attended) + " is more than lessons_total " + n(f.lessons_total));
  if (f.fault_affected_lessons > f.lessons_attended)
    return fail(err, bad, "fault_affected_lessons",
                n(f.fault_affected_lessons) + " is more than lessons_attended " + n(f.lessons_attended));
  if (f.materials_fee_fen > f.paid_fen)
    return fail(err, bad, "materials_fee_fen",
                n(f.materials_fee_fen) + " is more than paid_fen " + n(f.paid_fen));
  if (f.requested_at_ms < f.paid_at_ms) return fail(err, bad, "requested_at", "is before paid_at");

  const int64_t off = p.utc_offset_minutes;
  const i128 deadline = static_cast<i128>(f.paid_at_ms) + static_cast<i128>(p.cooling_off_hours) * 3600000;
  const bool in_window = static_cast<i128>(f.requested_at_ms) <= deadline;
  const bool few_lessons = f.lessons_attended <= p.cooling_off_max_lessons;
  const std::string paid = format_yuan(f.paid_fen);
  const std::string when = "您于" + format_local_zh(f.paid_at_ms, off) + " 支付 " + paid + "，于" +
                           format_local_zh(f.requested_at_ms, off) + " 申请退课，";
  const std::string window = window_text(p.cooling_off_hours) + "冷静期";

  RefundQuote q;
  if (in_window && few_lessons) {
    q.rule = RefundRule::cooling_off;
    q.refund_fen = f.paid_fen;
    q.explanation = when + "在" + window + "内（截至" + format_local_i128(deadline, off) + "）且已上课" +
                    n(f.lessons_attended) + "节（不超过" + n(p.cooling_off_max_lessons) + "节），按退课冷静期规则全额退款 " +
                    format_yuan(q.refund_fen) + "。";
  } else if (f.reason == RefundReason::duplicate_purchase && f.verified) {
    q.rule = RefundRule::duplicate;
    q.refund_fen = f.paid_fen;
    q.explanation = when + "经核实为重复购买，按重复购买规则全额退款 " + format_yuan(q.refund_fen) + "。";
  } else {
    // Why the cooling-off period does not apply, then the pro-rata sum in words.
    std::string text = when;
    if (!in_window)
      text += "已超过" + window + "（截至" + format_local_i128(deadline, off) + "）。";
    else
      text += "虽在" + window + "内，但已上课" + n(f.lessons_attended) + "节（超过" + n(p.cooling_off_max_lessons) +
              "节），不适用冷静期全额退款。";
    const int64_t unattended = f.lessons_total - f.lessons_attended;
    std::string course = "课程共" + n(f.lessons_total) + "节，已上" + n(f.lessons_attended) + "节，未上" + n(unattended) + "节，";
    const bool fault = (f.reason == RefundReason::quality_mismatch || f.reason == RefundReason::technical_failure) &&
                       f.verified;
    if (fault) {
      q.rule = RefundRule::platform_fault;
      const int64_t lessons = unattended + f.fault_affected_lessons;
      q.refund_fen = pro_rata(f.paid_fen, lessons, f.lessons_total);
      text += std::string("经核实为") + reason_zh(f.reason) + "，按平台责任规则退款：" + course;
      if (f.fault_affected_lessons > 0)
        text += "已上课程中有" + n(f.fault_affected_lessons) + "节受影响，一并退还，共计" + n(lessons) + "节，";
      text += "按比例退款 " + paid + " × " + n(lessons) + " ÷ " + n(f.lessons_total) + " = " +
              format_yuan(q.refund_fen) + "，";
      if (f.materials_shipped && f.materials_fee_fen > 0) text += "已寄出教材费不予扣除，";
      text += "实退 " + format_yuan(q.refund_fen) + "。";
    } else {
      q.rule = RefundRule::personal;
      const Fen share = pro_rata(f.paid_fen, unattended, f.lessons_total);
      const Fen fee = f.materials_shipped ? f.materials_fee_fen : 0;
      q.refund_fen = share > fee ? share - fee : 0;
      if (f.reason == RefundReason::personal)
        text += "按个人原因退课规则退款：";
      else
        text += std::string("您反映的") + reason_zh(f.reason) + "暂未核实，先按个人原因退课规则退款：";
      text += course + "按比例退款 " + paid + " × " + n(unattended) + " ÷ " + n(f.lessons_total) + " = " +
              format_yuan(share) + "，";
      if (fee > 0) {
        text += "扣除已寄出教材费 " + format_yuan(fee) + "，";
        if (share < fee) text += "扣除后不足零，按零计，";
      }
      text += "实退 " + format_yuan(q.refund_fen) + "。";
    }
    q.explanation = std::move(text);
  }

  q.needs_approval = !may_approve(p, agent_role, q.refund_fen, q.rule);
  if (q.needs_approval) {
    q.approver_role = Role::supervisor;  // supervisors always decide; also the answer above a supervisor
    for (Role r : {Role::junior, Role::mid, Role::senior, Role::supervisor}) {
      if (authority_rank(r) > authority_rank(agent_role) && may_approve(p, r, q.refund_fen, q.rule)) {
        q.approver_role = r;
        break;
      }
    }
  }
  out = std::move(q);
  return true;
}

namespace {

using nlohmann::json;

const char* const kKnownKeys[] = {"paid_fen",          "paid_at",         "requested_at",          "lessons_total",
                                  "lessons_attended",  "materials_shipped", "materials_fee_fen",   "reason",
                                  "verified",          "fault_affected_lessons", "agent_role"};

bool get_int(const json& obj, const char* key, bool required, int64_t& out, Error& err) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return fail(err, "missing_field", key, "is required");
    return true;
  }
  if (it->is_number_unsigned()) {
    const uint64_t u = it->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return fail(err, "invalid_value", key, "is too large");
    out = static_cast<int64_t>(u);
    return true;
  }
  if (!it->is_number_integer()) return fail(err, "wrong_type", key, "must be an integer");
  out = it->get<int64_t>();
  return true;
}

bool get_bool(const json& obj, const char* key, bool& out, Error& err) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_boolean()) return fail(err, "wrong_type", key, "must be true or false");
  out = it->get<bool>();
  return true;
}

bool get_string(const json& obj, const char* key, std::string& out, Error& err) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fail(err, "missing_field", key, "is required");
  if (!it->is_string()) return fail(err, "wrong_type", key, "must be a string");
  out = it->get<std::string>();
  if (!is_valid_utf8(out)) return fail(err, "invalid_utf8", key, "is not valid UTF-8 text");
  return true;
}

// A value quoted back in an error message, cut short so a huge line stays a short answer.
std::string echo_value(const std::string& s) {
  if (utf8_length(s) <= 40) return "'" + s + "'";
  std::string cut;
  size_t i = 0;
  for (int k = 0; k < 40 && i < s.size(); ++k) {
    size_t start = i;
    next_codepoint(s, i);
    cut.append(s, start, i - start);
  }
  return "'" + cut + "…'";
}

bool get_time(const json& obj, const char* key, int64_t offset, int64_t& out, Error& err) {
  std::string s;
  if (!get_string(obj, key, s, err)) return false;
  if (!parse_iso8601(s, offset, out))
    return fail(err, "invalid_value", key,
                echo_value(s) + " is not an ISO-8601 time such as 2026-11-01T10:00:00+08:00 or 2026-11-01");
  return true;
}

bool read_facts(const json& in, const RefundPolicy& p, RefundFacts& f, Role& role, Error& err) {
  if (!in.is_object()) return fail(err, "bad_input", "", "must be a JSON object");
  for (const auto& item : in.items()) {
    bool known = false;
    for (const char* k : kKnownKeys) known = known || item.key() == k;
    if (!known) {
      std::string key = is_valid_utf8(item.key()) ? item.key() : std::string("?");
      if (utf8_length(key) > 40) key = echo_value(key);
      return fail(err, "unknown_field", key, "is not a field of a refund quote (misspelt?)");
    }
  }
  std::string s;
  if (!get_int(in, "paid_fen", true, f.paid_fen, err)) return false;
  if (!get_time(in, "paid_at", p.utc_offset_minutes, f.paid_at_ms, err)) return false;
  if (!get_time(in, "requested_at", p.utc_offset_minutes, f.requested_at_ms, err)) return false;
  if (!get_int(in, "lessons_total", true, f.lessons_total, err)) return false;
  if (!get_int(in, "lessons_attended", true, f.lessons_attended, err)) return false;
  if (!get_bool(in, "materials_shipped", f.materials_shipped, err)) return false;
  if (!get_int(in, "materials_fee_fen", false, f.materials_fee_fen, err)) return false;
  if (!get_string(in, "reason", s, err)) return false;
  auto reason = parse_refund_reason(s);
  if (!reason)
    return fail(err, "invalid_value", "reason",
                echo_value(s) + " is not one of personal, quality_mismatch, technical_failure, duplicate_purchase");
  f.reason = *reason;
  if (!get_bool(in, "verified", f.verified, err)) return false;
  if (!get_int(in, "fault_affected_lessons", false, f.fault_affected_lessons, err)) return false;
  if (!get_string(in, "agent_role", s, err)) return false;
  auto r = parse_role(s);
  if (!r)
    return fail(err, "invalid_value", "agent_role",
                echo_value(s) + " is not one of junior, mid, senior, tech_support, supervisor");
  role = *r;
  return true;
}

json error_json(const Error& e) { return json{{"error", (e.field.empty() ? "line" : e.field) + ": " + e.message}}; }

}  // namespace

nlohmann::json refund_quote_line(const std::string& line, const RefundPolicy& p) {
  Error err;
  if (!is_valid_utf8(line)) return error_json({"invalid_utf8", "", "is not valid UTF-8 text"});
  json in = json::parse(line, nullptr, false);
  if (in.is_discarded()) return error_json({"bad_json", "", "is not valid JSON"});
  RefundFacts f;
  Role role = Role::junior;
  RefundQuote q;
  if (!read_facts(in, p, f, role, err) || !quote_refund(p, f, role, q, err)) return error_json(err);
  json out = json::object();
  out["refund_fen"] = q.refund_fen;
  out["rule"] = to_id(q.rule);
  out["needs_approval"] = q.needs_approval;
  out["approver_role"] = q.approver_role ? json(to_id(*q.approver_role)) : json(nullptr);
  out["explanation"] = q.explanation;
  return out;
}

}  // namespace edudesk
