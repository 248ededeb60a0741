namespace Hospes.Host.Access;

/// <summary>A set of privileges as one bit per <see cref="Privilege"/>: evaluating a list of 500 VMs is 500 ANDs.</summary>
internal readonly record struct PrivilegeSet(ulong Bits)
{
    public static PrivilegeSet None => default;

    public static PrivilegeSet All { get; } = Of(PrivilegeNames.All);

    public bool IsEmpty => Bits == 0;

    public static PrivilegeSet Of(params IEnumerable<Privilege> privileges)
    {
        ulong bits = 0;
        foreach (Privilege p in privileges)
        {
            bits |= Bit(p);
        }

        return new PrivilegeSet(bits);
    }

    public bool Contains(Privilege privilege) => (Bits & Bit(privilege)) != 0;

    public bool IsSubsetOf(PrivilegeSet other) => (Bits & ~other.Bits) == 0;

    public PrivilegeSet Union(PrivilegeSet other) => new(Bits | other.Bits);

    public PrivilegeSet Intersect(PrivilegeSet other) => new(Bits & other.Bits);

    public PrivilegeSet Except(PrivilegeSet other) => new(Bits & ~other.Bits);

    public IEnumerable<Privilege> Members() => PrivilegeNames.All.Where(Contains);

    public override string ToString() => IsEmpty ? "(none)" : PrivilegeNames.Join(Members());

    private static ulong Bit(Privilege p) => 1UL << (int)p;
}
