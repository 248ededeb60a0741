using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Json;

namespace Hospes.Host.Peers;

/// <summary>
/// A join token: `hospes1.` and base64url JSON. It carries the secret (the issuing host keeps only its SHA-256) and
/// what the joining host needs to pin the issuer: its name, certificate fingerprint and addresses.
/// </summary>
internal sealed record PeerToken
{
    public const string Prefix = "hospes1.";

    /// <summary>32 random bytes, base64url.</summary>
    public required string Secret { get; init; }

    public required string Name { get; init; }

    public required string Fingerprint { get; init; }

    public IReadOnlyList<string> Addresses { get; init; } = [];

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>A cluster join token (`hospes cluster token`): the cluster's name; null for a host token.</summary>
    public string? Cluster { get; init; }

    /// <summary>A cluster join token's second secret, redeemed in the cluster's store (the first makes the hosts' trust).</summary>
    public string? ClusterSecret { get; init; }

    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>What the issuing host stores: SHA-256 of the secret's text, lowercase hex.</summary>
    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    public string Encode() => Prefix + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this, HospesJson.Options));

    public static Result<PeerToken> Decode(string text)
    {
        text = text.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return HospesError.Invalid($"not a Hospes join token: it should start with '{Prefix}'; run `hospes host token` on the other host and copy all of its output");
        }

        PeerToken? token;
        try
        {
            token = JsonSerializer.Deserialize<PeerToken>(Base64Url.DecodeFromChars(text.AsSpan(Prefix.Length)), HospesJson.Options);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            token = null;
        }

        return token is { Secret.Length: > 0, Name.Length: > 0, Fingerprint.Length: 64 }
            ? token
            : HospesError.Invalid("the join token is damaged (cut short or mistyped?); run `hospes host token` on the other host and copy all of its output");
    }
}
