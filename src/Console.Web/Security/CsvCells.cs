namespace Console.Web.Security;

/// <summary>
/// One cell of a CSV export (RFC 4180) that a spreadsheet will not run: a cell starting with =, +, -, @, TAB, CR or LF
/// is prefixed with an apostrophe (OWASP's CSV injection advice), then quoted when it holds a separator, quote or line break.
/// </summary>
public static class CsvCells
{
    private const string FormulaStarts = "=+-@\t\r\n";

    public static string Escape(string? value)
    {
        value ??= "";
        if (value.Length > 0 && FormulaStarts.Contains(value[0], StringComparison.Ordinal))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
