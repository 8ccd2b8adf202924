"""Chinese names for the words the CLI shows (types, levels, ratings, verdicts); English uses the ids."""

TYPE_ZH = {"concept": "概念", "choice": "选择", "numeric": "计算", "code": "编程"}
DIFFICULTY_ZH = {"junior": "初级", "mid": "中级", "senior": "高级", "expert": "专家"}
RATING_ZH = {1: "重来", 2: "困难", 3: "良好", 4: "简单"}
VERDICT_ZH = {"correct": "正确", "partial": "部分正确", "wrong": "错误"}


def type_name(qtype: str, lang: str) -> str:
    return TYPE_ZH.get(qtype, qtype) if lang == "zh" else qtype


def difficulty_name(level: str, lang: str) -> str:
    return DIFFICULTY_ZH.get(level, level) if lang == "zh" else level
