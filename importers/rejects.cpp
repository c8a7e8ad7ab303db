#include "importers/rejects.hpp"

#include <algorithm>
#include <stdexcept>

namespace diming::import {

const std::vector<RejectReason>& reject_reasons() {
    static const std::vector<RejectReason> reasons{
        {"encoding", "文字编码无法识别", "the text is not valid in the file's encoding"},
        {"nul-byte", "值中含有空字符（NUL），其后内容无法读取", "a NUL byte inside a value"},
        {"id-empty", "编码为空", "the record's id is empty"},
        {"id-duplicate", "编码重复", "the record's id appears again"},
        {"address-empty", "地址为空", "the address is empty"},
        {"address-unparseable", "地址无法解析", "the address cannot be parsed"},
        {"coordinates-not-numbers", "坐标不是数字", "a coordinate is not a number"},
        {"coordinates-zero", "坐标为 0,0", "the coordinates are 0,0"},
        {"coordinates-swapped", "经纬度颠倒", "longitude and latitude are swapped"},
        {"coordinates-outside-extent", "坐标超出本辖区范围", "the coordinates lie outside the registry's extent"},
        {"coordinates-untransformable", "坐标无法转换到 CGCS2000", "the coordinates cannot be transformed to CGCS2000"},
        {"geometry-missing", "缺少几何图形", "the geometry is missing"},
        {"geometry-not-point", "几何图形不是点", "the geometry is not a point"},
        {"geometry-invalid", "几何图形无效", "the geometry is invalid"},
        {"name-empty", "地名为空", "the name is empty"},
        {"name-too-long", "地名超过 40 个字", "the name is longer than 40 characters"},
        {"category-unknown", "地名类别未知", "the place-name category is unknown"},
        {"division-unknown", "行政区划不在登记库中", "the administrative division is not in the registry"},
        {"history-incomplete", "曾用名缺少批准文号或日期", "a former name lacks its decision document or dates"},
        {"plate-type-unknown", "门牌类型未知", "the plate type is unknown"},
        {"road-unknown", "道路（地名）未登记", "the road is not a registered place name"},
        {"number-invalid", "门牌号无效", "the door number is not valid"},
        {"parent-missing", "找不到所属的门牌或楼牌", "the door or building plate it belongs to is missing"},
        {"plate-duplicate", "门牌已存在", "the registry already has this plate"},
        {"constraint", "违反登记库的约束", "the registry refused the row (a constraint)"},
    };
    return reasons;
}

void RejectLog::add(const std::string& layer, std::int64_t row, const Reject& r, const std::string& raw) {
    const auto& known = reject_reasons();
    if (std::none_of(known.begin(), known.end(), [&](const RejectReason& k) { return r.reason_key == k.key; })) {
        throw std::logic_error{"reject reason '" + r.reason_key + "' is not in reject_reasons()"};
    }
    if (!writer_) {
        writer_.emplace(path_, CsvFor::spreadsheet);
        writer_->row({"layer", "row", "field", "reason", "raw"});
    }
    writer_->row({layer, std::to_string(row), r.field, r.reason, raw});
    ++count_;
    ++by_reason_[r.reason_key];
    if (first_.size() < 10) first_.push_back(layer + " row " + std::to_string(row) + ": " + r.field + ": " + r.reason);
}

void RejectLog::close() {
    if (writer_) writer_->close();
}

std::int64_t RejectLog::count(const std::string& reason_key) const {
    auto it = by_reason_.find(reason_key);
    return it == by_reason_.end() ? 0 : it->second;
}

} // namespace diming::import
