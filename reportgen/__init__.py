"""reportgen: 部门整体支出绩效评价报告生成工具."""

__version__ = "0.1.0"
