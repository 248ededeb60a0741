namespace Hospes.Host.Access;

/// <summary>
/// One grant: <see cref="Role"/> for <see cref="Subject"/> on <see cref="Path"/>, and (when <see cref="Propagate"/>,
/// the default) on every path below it.
/// </summary>
internal sealed record AclEntry(AclPath Path, AclSubject Subject, string Role, bool Propagate = true);
