using System.Net;
using Hospes.Contracts;

namespace Hospes.Client;

/// <summary>
/// A request to hospesd failed: it answered with an error (<see cref="Delivery.Answered"/>, with the code, message and
/// details of its error body), or it was not reached or did not answer (see <see cref="Delivery"/>).
/// </summary>
public sealed class HospesApiException : Exception
{
    /// <summary>The <see cref="Code"/> of a request that got no answer; not a code hospesd sends.</summary>
    public const string Unreachable = "unreachable";

    public HospesApiException(string code, string message, IReadOnlyList<string>? details = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Details = details ?? [];
    }

    /// <summary>One of <see cref="ErrorCodes"/>, or <see cref="Unreachable"/>.</summary>
    public string Code { get; }

    /// <summary>Further lines, e.g. every problem found in a config file.</summary>
    public IReadOnlyList<string> Details { get; }

    public Delivery Delivery { get; init; } = Delivery.Answered;

    /// <summary>The answer's status; null when none came.</summary>
    public HttpStatusCode? Status { get; init; }

    /// <summary>The answer's reason phrase ("Not Found"); null when none came.</summary>
    public string? Reason { get; init; }

    /// <summary>The answer carried an error body: <see cref="Exception.Message"/> is the other side's own.</summary>
    public bool HasErrorBody { get; init; }

    /// <summary>No connection or no answer within the time allowed.</summary>
    public bool TimedOut { get; init; }
}
