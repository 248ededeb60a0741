using Hospes.Host.Access;

namespace Hospes.Host.Tests.Access;

/// <summary>
/// A course as the issue tells it: ada is the host's admin, tina teaches lab1 (ProjectAdmin through group teachers),
/// students operate lab1 and have only LabStudent on their team's VM, a user's own entry and NoAccess in places.
/// </summary>
internal static class Lab
{
    public static readonly Role Snapshotter = new("Snapshotter", PrivilegeSet.Of(Privilege.VmAudit, Privilege.VmSnapshot));

    public static readonly IReadOnlyDictionary<string, IReadOnlyCollection<string>> Groups = new Dictionary<string, IReadOnlyCollection<string>>
    {
        ["teachers"] = ["tina"],
        ["students"] = ["carol", "dave", "erin"],
        ["team3"] = ["carol", "dave"],
    };

    public static readonly AclEntry[] Entries =
    [
        Entry("/", "user:ada", "Admin"),
        Entry("/projects/lab1", "group:teachers", "ProjectAdmin"),
        Entry("/projects/lab1", "group:students", "Operator"),
        Entry("/projects/lab1", "user:erin", "LabStudent"),
        Entry("/projects/lab1", "user:pat", "Auditor", propagate: false),
        Entry("/projects/lab1/vms/team3-ce", "group:students", "LabStudent"),
        Entry("/projects/lab1/vms/secret", "group:students", "LabStudent"),
        Entry("/projects/lab1/vms/secret", "group:team3", "NoAccess"),
        Entry("/projects/lab2", "group:students", "NoAccess"),
        Entry("/projects/lab2/vms/open", "group:students", "LabStudent"),
        Entry("/projects/lab2", "user:dave", "Admin"),
        Entry("/projects/lab2", "user:dave", "NoAccess"),
        Entry("/projects/lab3", "user:gone", "DeletedRole"),
        Entry("/projects/lab3", "user:sam", "Snapshotter"),
        Entry("/", "token:carol!full", "Admin"),
        Entry("/", "token:carol!wide", "Admin"),
        Entry("/projects/lab1/vms/team3-ce", "token:tina!narrow", "LabStudent"),
    ];

    public static AccessPolicy Policy { get; } = new([Snapshotter], Entries, Groups);

    public static AclPath Path(string text) => AclPath.Parse(text).Value;

    public static AclEntry Entry(string path, string subject, string role, bool propagate = true)
    {
        string[] parts = subject.Split(':');
        var kind = Enum.Parse<SubjectKind>(parts[0], ignoreCase: true);
        return new AclEntry(Path(path), new AclSubject(kind, parts[1]), role, propagate);
    }
}
