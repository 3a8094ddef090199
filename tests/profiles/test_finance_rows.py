"""Municipal Money audit rows: only year-end outcomes become values (a quarter's row has no year to store)."""

from ddm.profiles import finance


def test_an_audit_row_dated_by_quarter_is_skipped_not_stored_without_a_year(tmp_path, monkeypatch):
    (tmp_path / "munimoney_audit_opinions_2016-2019.csv").write_text(
        "demarcation_code,date,result,rating,report_url\n"
        "BUF,2019,Qualified,qualified,https://example.org/a.pdf\n"
        "BUF,2019q2,Unqualified,unqualified,https://example.org/b.pdf\n"
        "ETH,2018,,,\n", encoding="utf-8")
    monkeypatch.setattr(finance, "DATA", tmp_path)
    assert finance.audit_rows() == [("BUF", 2019, "Qualified", "https://example.org/a.pdf")]
