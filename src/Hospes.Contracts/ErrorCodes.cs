namespace Hospes.Contracts;

/// <summary>The codes of <see cref="ErrorDetail.Code"/>: what kind of failure an error answer reports.</summary>
public static class ErrorCodes
{
    /// <summary>The request or config is malformed (400).</summary>
    public const string InvalidArgument = "invalid_argument";

    /// <summary>The named thing does not exist (404).</summary>
    public const string NotFound = "not_found";

    /// <summary>The name is taken or the thing is in use (409).</summary>
    public const string Conflict = "conflict";

    /// <summary>The action is not allowed in the VM's current state (409).</summary>
    public const string InvalidState = "invalid_state";

    /// <summary>The host lacks something the request needs: a file, a device, a tool, capacity (422).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>An operation ran out of time (504).</summary>
    public const string Timeout = "timeout";

    /// <summary>Something failed that should not have (500).</summary>
    public const string Internal = "internal";

    /// <summary>The caller is known but may not do this (403).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>The request carries no credentials, or ones that prove nothing (401).</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The caller asked too often (429): failed logins from one source.</summary>
    public const string TooManyRequests = "too_many_requests";
}
