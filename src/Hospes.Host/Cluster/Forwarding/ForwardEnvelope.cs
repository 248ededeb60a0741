using System.Buffers.Text;
using System.Text.Json;
using Hospes.Core.Json;

namespace Hospes.Host.Cluster.Forwarding;

/// <summary>
/// Who asked, as the host that forwards a request tells the VM's owner (header <see cref="Header"/>): the user, how
/// they logged in there, their groups there, and that host. The owner believes it only from a cluster member's peer
/// certificate, and decides with its own users, roles and ACL.
/// </summary>
internal sealed record ForwardEnvelope
{
    public const string Header = "Hospes-Forwarded";

    /// <summary>A user name, or the unix user of a local admin.</summary>
    public required string User { get; init; }

    /// <summary>"local-admin" (the unix socket), "user" (password, certificate or web session) or "token".</summary>
    public required string Kind { get; init; }

    public string? TokenName { get; init; }

    public bool PrivilegeSeparated { get; init; }

    /// <summary>The user's groups on the forwarding host (for the audit; the owner takes its own).</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>The host the user called.</summary>
    public required string Origin { get; init; }

    /// <summary>Where the request came from there ("unix", or the caller's address).</summary>
    public string? Source { get; init; }

    /// <summary>
    /// The version of the cluster's access data the forwarding host had (0: none). An owner with an older copy takes the
    /// cluster's before it decides, so a grant made through one host counts at once for what that host forwards.
    /// </summary>
    public long AccessVersion { get; init; }

    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this, HospesJson.Options));

    /// <summary>Null for a header that is not an envelope.</summary>
    public static ForwardEnvelope? Decode(string header)
    {
        try
        {
            ForwardEnvelope? e = JsonSerializer.Deserialize<ForwardEnvelope>(Base64Url.DecodeFromChars(header.AsSpan().Trim()), HospesJson.Options);
            return e is { User.Length: > 0, Origin.Length: > 0, Kind: "local-admin" or "user" or "token" } && (e.Kind != "token" || e.TokenName is { Length: > 0 }) ? e : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }
    }
}
