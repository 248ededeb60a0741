namespace Hospes.Host.Tests.Architecture;

/// <summary>
/// The host is built in floors, each using only the floors below it (docs/architecture.md): a type of a lower floor
/// that names a higher one fails here, read from the compiled IL, so nothing slips through a using or a lambda.
/// </summary>
public class FloorTests
{
    private static readonly TypeUses Host = TypeUses.Of(typeof(HospesHost).Assembly);

    /// <summary>Namespace (folder) of Hospes.Host to its floor.</summary>
    private static readonly Dictionary<string, int> Floors = new(StringComparer.Ordinal)
    {
        ["Hospes.Host.Settings"] = 1,
        ["Hospes.Host.State"] = 1,
        ["Hospes.Host.Access"] = 1,
        ["Hospes.Host.Machine"] = 2,
        ["Hospes.Host.Console"] = 2,
        ["Hospes.Host.Network"] = 3,
        ["Hospes.Host.Memory"] = 3,
        ["Hospes.Host.Storage"] = 3,
        ["Hospes.Host.Images"] = 3,
        ["Hospes.Host.Peers"] = 3,
        ["Hospes.Host.Cluster"] = 3,
        ["Hospes.Host.Vms"] = 4,
        ["Hospes.Host.Migration"] = 5,
        ["Hospes.Host.Edge"] = 6,
        ["Hospes.Host.Ha"] = 6, // HA restarts VMs and audits: it runs above the VMs, beside the edge
        ["Hospes.Host"] = 6,
    };

    private const int Edge = 6;

    [Fact]
    public void EveryFolderOfTheHostHasAFloor()
    {
        string[] unplaced = [.. Host.Types.Keys.Select(Namespace).Distinct().Where(ns => ns.StartsWith("Hospes.Host", StringComparison.Ordinal) && FloorOf(ns) is null)];
        Assert.True(unplaced.Length == 0, $"namespaces without a floor (add them to FloorTests and docs/architecture.md): {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void NoFloorUsesAHigherOne()
    {
        string[] violations =
        [
            .. from t in Host.Types
               let floor = FloorOf(Namespace(t.Key))
               from used in t.Value
               let usedFloor = used.StartsWith("Hospes.Host.", StringComparison.Ordinal) || Namespace(used) == "Hospes.Host" ? FloorOf(Namespace(used)) : null
               where floor is not null && usedFloor > floor
               orderby t.Key, used
               select $"{t.Key} (floor {floor}) uses {used} (floor {usedFloor})",
        ];
        Assert.True(violations.Length == 0, string.Join("\n", violations));
    }

    [Fact]
    public void OnlyTheEdgeSpeaksTheWire()
    {
        string[] violations =
        [
            .. from t in Host.Types
               where FloorOf(Namespace(t.Key)) < Edge
               from used in t.Value
               where used.StartsWith("Hospes.Contracts.", StringComparison.Ordinal) || used.StartsWith("Hospes.Client.", StringComparison.Ordinal)
               orderby t.Key, used
               select $"{t.Key} uses {used}: map wire types in Hospes.Host.Edge",
        ];
        Assert.True(violations.Length == 0, string.Join("\n", violations));
    }

    [Fact]
    public void TheHostKnowsNoAspNetCore()
    {
        string[] aspNet = [.. typeof(HospesHost).Assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))];
        Assert.Empty(aspNet);
        Assert.DoesNotContain(Host.Types.Values.SelectMany(u => u), u => u.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal));
    }

    [Fact]
    public void OnlyACommandsSessionChangesAVm()
    {
        string[] inQueueOnly = ["Commit", "Attach", "Notify", "get_Slot"];
        string[] violations =
        [
            .. from t in Host.Members
               where t.Key is not ("Hospes.Host.Vms.VmActor" or "Hospes.Host.Vms.VmSession")
               from member in t.Value
               where inQueueOnly.Any(m => member == $"Hospes.Host.Vms.VmActor::{m}")
               select $"{t.Key} calls {member}: only a command, through its VmSession, may",
        ];
        Assert.True(violations.Length == 0, string.Join("\n", violations));
    }

    private static int? FloorOf(string ns)
    {
        for (string n = ns; n.Length > 0; n = n.Contains('.', StringComparison.Ordinal) ? n[..n.LastIndexOf('.')] : "")
        {
            if (Floors.TryGetValue(n, out int floor))
            {
                return floor;
            }
        }

        return null;
    }

    private static string Namespace(string fullName)
    {
        string name = fullName.Split('`')[0];
        return name.Contains('.', StringComparison.Ordinal) ? name[..name.LastIndexOf('.')] : "";
    }
}
