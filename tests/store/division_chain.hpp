#pragma once
// The divisions the store tests hang their names and plates on.

namespace diming::testing {

// 浙江省 > 嘉兴市 > 平湖市 > 当湖街道 (330482001000), for a freshly migrated registry.
inline constexpr const char* danghu_division_chain = R"sql(
    INSERT INTO divisions(code, name, short_name, level, kind, parent_code) VALUES
      ('330000000000','浙江省','浙江省',1,'province',NULL),
      ('330400000000','嘉兴市','嘉兴市',2,'city','330000000000'),
      ('330482000000','平湖市','平湖市',3,'county','330400000000'),
      ('330482001000','当湖街道','当湖街道',4,'subdistrict','330482000000');
)sql";

} // namespace diming::testing
