namespace Hospes.Contracts;

/// <summary>A config problem as the API reports it.</summary>
public sealed record Diagnostic
{
    public required string Severity { get; init; }
    public required string File { get; init; }
    public int Line { get; init; }
    public int Column { get; init; }
    public string Text { get; init; } = "";
    public required string Message { get; init; }
    public bool HostDependent { get; init; }

    /// <summary>The one-line form: "web.cfg:7:8: error: ...".</summary>
    public required string Rendered { get; init; }
}
