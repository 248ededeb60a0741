using Hospes.Contracts;

namespace Hospes.Cli.Client;

/// <summary>hospesd answered with an error, or could not be reached.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(string message, IReadOnlyList<string>? details = null, string code = "internal")
        : base(message)
    {
        Details = details ?? [];
        Code = code;
    }

    public ApiException(ErrorDetail error)
        : this(error.Message, error.Details, error.Code)
    {
    }

    public IReadOnlyList<string> Details { get; }

    public string Code { get; }
}
