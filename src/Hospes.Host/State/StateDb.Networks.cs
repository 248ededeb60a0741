using System.Globalization;
using Hospes.Host.Network;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>Networks and port forwards. Addresses are not here: each vif's ip is part of its VM's spec.</summary>
internal sealed partial class StateDb
{
    private const string NetworkSchema = """
        CREATE TABLE IF NOT EXISTS networks (
            name TEXT PRIMARY KEY,
            bridge TEXT NOT NULL UNIQUE,
            subnet TEXT NOT NULL,
            mode TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS port_forwards (
            vm TEXT NOT NULL,
            vif INTEGER NOT NULL,
            protocol TEXT NOT NULL,
            host_port INTEGER NOT NULL,
            guest_port INTEGER NOT NULL,
            UNIQUE (protocol, host_port)
        );
        """;

    public IReadOnlyList<NetworkRecord> LoadNetworks()
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, bridge, subnet, mode, created_at, project FROM networks ORDER BY name";
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<NetworkRecord>();
        while (r.Read())
        {
            list.Add(new NetworkRecord
            {
                Name = r.GetString(0),
                Bridge = r.GetString(1),
                Subnet = r.GetString(2),
                Mode = r.GetString(3),
                CreatedAt = DateTimeOffset.Parse(r.GetString(4), CultureInfo.InvariantCulture),
                Project = r.GetString(5),
            });
        }

        return list;
    }

    /// <summary>False if the name or the bridge is taken.</summary>
    public bool TryInsertNetwork(NetworkRecord n)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO networks (name, bridge, subnet, mode, created_at, project) VALUES ($name, $bridge, $subnet, $mode, $created, $project)";
        cmd.Parameters.AddWithValue("$name", n.Name);
        cmd.Parameters.AddWithValue("$bridge", n.Bridge);
        cmd.Parameters.AddWithValue("$subnet", n.Subnet);
        cmd.Parameters.AddWithValue("$mode", n.Mode);
        cmd.Parameters.AddWithValue("$created", n.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$project", n.Project);
        try
        {
            cmd.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return false;
        }
    }

    public void DeleteNetwork(string name)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM networks WHERE name = $name";
        cmd.Parameters.AddWithValue("$name", name);
        cmd.ExecuteNonQuery();
    }

    public IReadOnlyList<PortForwardRecord> LoadPortForwards()
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT vm, vif, protocol, host_port, guest_port FROM port_forwards ORDER BY protocol, host_port";
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<PortForwardRecord>();
        while (r.Read())
        {
            list.Add(new PortForwardRecord
            {
                Vm = Guid.Parse(r.GetString(0)),
                Vif = r.GetInt32(1),
                Protocol = r.GetString(2),
                HostPort = r.GetInt32(3),
                GuestPort = r.GetInt32(4),
            });
        }

        return list;
    }

    /// <summary>False if the host port is taken for that protocol.</summary>
    public bool TryInsertPortForward(PortForwardRecord f)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO port_forwards (vm, vif, protocol, host_port, guest_port) VALUES ($vm, $vif, $protocol, $host, $guest)";
        cmd.Parameters.AddWithValue("$vm", f.Vm.ToString());
        cmd.Parameters.AddWithValue("$vif", f.Vif);
        cmd.Parameters.AddWithValue("$protocol", f.Protocol);
        cmd.Parameters.AddWithValue("$host", f.HostPort);
        cmd.Parameters.AddWithValue("$guest", f.GuestPort);
        try
        {
            cmd.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return false;
        }
    }

    /// <summary>Removes one forward (host port and protocol), or every forward of a VM when <paramref name="hostPort"/> is null.</summary>
    public int DeletePortForwards(Guid vm, string? protocol = null, int? hostPort = null)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = hostPort is null
            ? "DELETE FROM port_forwards WHERE vm = $vm"
            : "DELETE FROM port_forwards WHERE vm = $vm AND protocol = $protocol AND host_port = $host";
        cmd.Parameters.AddWithValue("$vm", vm.ToString());
        cmd.Parameters.AddWithValue("$protocol", (object?)protocol ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$host", (object?)hostPort ?? DBNull.Value);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>A value of the meta table, made by <paramref name="create"/> the first time.</summary>
    public string MetaValue(string key, Func<string> create)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT(key) DO NOTHING; SELECT value FROM meta WHERE key = $key;";
        cmd.Parameters.AddWithValue("$key", key);
        cmd.Parameters.AddWithValue("$value", create());
        return (string)cmd.ExecuteScalar()!;
    }

    /// <summary>A value of the meta table, or null.</summary>
    public string? MetaValue(string key)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = $key";
        cmd.Parameters.AddWithValue("$key", key);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>Sets a value of the meta table, whatever it was.</summary>
    public void SetMetaValue(string key, string value)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = $value";
        cmd.Parameters.AddWithValue("$key", key);
        cmd.Parameters.AddWithValue("$value", value);
        cmd.ExecuteNonQuery();
    }

    public void DeleteMetaValue(string key)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM meta WHERE key = $key";
        cmd.Parameters.AddWithValue("$key", key);
        cmd.ExecuteNonQuery();
    }
}
