using System.Globalization;

namespace Hospes.Cli.Commands;

/// <summary>Times as people give them: a span from now (30m, 12h, 3d, 2w) or a date (2027-01-31, UTC midnight) or an ISO 8601 time.</summary>
internal static class TimeArgument
{
    /// <summary>The clock the spans count from; tests set it.</summary>
    internal static Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>--expires: a span from now, or a date (the account ends as that day begins, UTC, as useradd -e).</summary>
    public static DateTimeOffset Future(string option, string text) => Parse(option, text, ahead: true);

    /// <summary>--since: a span back from now, or a date.</summary>
    public static DateTimeOffset Past(string option, string text) => Parse(option, text, ahead: false);

    private static DateTimeOffset Parse(string option, string text, bool ahead)
    {
        if (Span(text) is { } span)
        {
            return ahead ? Now() + span : Now() - span;
        }

        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            return date.ToUniversalTime();
        }

        throw new CliException($"{option} '{text}' is neither a span nor a date; write e.g. {(ahead ? "3d" : "1h")} (m, h, d, w) or 2027-01-31");
    }

    private static TimeSpan? Span(string text)
    {
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n == 0)
        {
            return null;
        }

        return text[^1] switch
        {
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            'w' => TimeSpan.FromDays(7 * n),
            _ => null,
        };
    }
}
