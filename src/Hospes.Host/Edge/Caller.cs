using Hospes.Host.Access;

namespace Hospes.Host.Edge;

/// <summary>Who a request comes from, as authentication found it; the API passes it on, only the host looks inside.</summary>
public sealed class Caller
{
    internal Caller(Principal principal, string source)
    {
        Principal = principal;
        Source = source;
    }

    /// <summary>"alice", "alice!ci" or "root (unix socket)".</summary>
    public string Display => Principal.Display;

    /// <summary>The user's name (a token's user), or the unix user of a local admin.</summary>
    public string User => Principal.User;

    /// <summary>Where the request came from: "unix", or the remote address.</summary>
    public string Source { get; }

    /// <summary>root or a member of hospes-admin on the unix socket.</summary>
    public bool IsLocalAdmin => Principal.Kind == PrincipalKind.LocalAdmin;

    internal Principal Principal { get; }

    public static Caller LocalAdmin(string unixUser) => new(Access.Principal.LocalAdmin(unixUser), "unix");
}
