using System.Text.Json.Serialization;

namespace Hospes.Cli.Remotes;

/// <summary>One remote hospesd: where, the pinned certificate, and how this user proves who they are there.</summary>
internal sealed record RemoteEntry
{
    /// <summary>https://HOST:PORT.</summary>
    public required string Url { get; init; }

    /// <summary>SHA-256 of the server's DER certificate, lowercase hex: the pin.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The Bearer token; never printed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Token { get; init; }

    /// <summary>A PEM client certificate and its key, instead of (or with) a token.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientCertificate { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientKey { get; init; }

    public DateTimeOffset? AddedAt { get; init; }

    /// <summary>How this user is known there, without the secret: "token hospes_0123…" or "certificate FILE".</summary>
    public string Auth =>
        Token is { } t ? $"token {TokenId(t)}" + (ClientCertificate is null ? "" : " + certificate")
        : ClientCertificate is { } c ? $"certificate {c}" : "none";

    /// <summary>A Hospes token's public part (hospes_ID_SECRET → hospes_ID_…); other tokens show nothing of themselves.</summary>
    private static string TokenId(string token)
    {
        int secret = token.StartsWith("hospes_", StringComparison.Ordinal) ? token.IndexOf('_', 7) : -1;
        return secret > 0 ? $"{token[..secret]}_…" : "(set)";
    }
}
