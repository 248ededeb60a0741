namespace Hospes.Contracts;

/// <summary>`hospes acl set|remove PATH (--user U|--group G|--token U!N) --role ROLE`: exactly one of user, group, token.</summary>
public sealed record AclEntryRequest
{
    /// <summary>/, /projects/P[/vms/V ...], /images[/I], /access.</summary>
    public required string Path { get; init; }

    public string? User { get; init; }

    public string? Group { get; init; }

    /// <summary>USER!NAME.</summary>
    public string? Token { get; init; }

    public required string Role { get; init; }

    /// <summary>Also on every path below (the default); ignored on remove.</summary>
    public bool Propagate { get; init; } = true;
}
