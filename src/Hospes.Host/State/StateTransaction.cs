using System.Globalization;
using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>The writes a multi-row change makes inside one SQLite transaction.</summary>
internal sealed class StateTransaction(SqliteConnection connection, SqliteTransaction transaction, StatePaths paths)
{
    /// <summary>Inserts a VM row; false if its name or uuid is taken.</summary>
    public bool TryInsertVm(VmRecord vm)
    {
        using SqliteCommand cmd = Command("""
            INSERT INTO vms (uuid, name, spec, state, domid, pid, machine, accel, save_path, last_error, crash_count, created_at, started_at, qemu_uid, project, ram_file)
            VALUES ($uuid, $name, $spec, $state, $domid, $pid, $machine, $accel, $save, $error, $crashes, $created, $started, $uid, $project, $ram)
            """);
        StateDb.Bind(cmd, vm, paths);
        return TryExecute(cmd);
    }

    public void DeleteVm(Guid uuid)
    {
        using SqliteCommand cmd = Command("DELETE FROM vms WHERE uuid = $uuid");
        cmd.Parameters.AddWithValue("$uuid", uuid.ToString());
        cmd.ExecuteNonQuery();
    }

    /// <summary>Inserts a volume and returns it with its id; null if its path or kind+name is taken.</summary>
    public VolumeRecord? TryInsertVolume(VolumeRecord v)
    {
        using SqliteCommand cmd = Command("""
            INSERT INTO volumes (kind, name, path, format, virtual_size, backing_id, vm, template, checksum, created_at, project)
            VALUES ($kind, $name, $path, $format, $size, $backing, $vm, $template, $checksum, $created, $project);
            SELECT last_insert_rowid();
            """);
        cmd.Parameters.AddWithValue("$kind", v.Kind.ToString());
        cmd.Parameters.AddWithValue("$name", v.Name);
        cmd.Parameters.AddWithValue("$path", paths.Stored(v.Path));
        cmd.Parameters.AddWithValue("$format", v.Format);
        cmd.Parameters.AddWithValue("$size", v.VirtualSize);
        cmd.Parameters.AddWithValue("$backing", (object?)v.BackingId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$vm", v.Vm is { } vm ? vm.ToString() : DBNull.Value);
        cmd.Parameters.AddWithValue("$template", (object?)v.Template ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$checksum", (object?)v.Checksum ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$created", v.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$project", v.Project);
        try
        {
            long id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
            return v with { Id = id };
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return null;
        }
    }

    public void UpdateVolume(VolumeRecord v)
    {
        using SqliteCommand cmd = Command("UPDATE volumes SET virtual_size = $size, vm = $vm, checksum = $checksum WHERE id = $id");
        cmd.Parameters.AddWithValue("$id", v.Id);
        cmd.Parameters.AddWithValue("$size", v.VirtualSize);
        cmd.Parameters.AddWithValue("$vm", v.Vm is { } vm ? vm.ToString() : DBNull.Value);
        cmd.Parameters.AddWithValue("$checksum", (object?)v.Checksum ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Points a volume at another backing volume (a fork point puts a base under a disk: issue 16).</summary>
    public void SetVolumeBacking(long id, long? backingId)
    {
        using SqliteCommand cmd = Command("UPDATE volumes SET backing_id = $backing WHERE id = $id");
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$backing", (object?)backingId ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    public void DeleteVolume(long id)
    {
        using SqliteCommand cmd = Command("DELETE FROM volumes WHERE id = $id");
        cmd.Parameters.AddWithValue("$id", id);
        cmd.ExecuteNonQuery();
    }

    public bool TryInsertTemplate(TemplateRecord t)
    {
        using SqliteCommand cmd = Command("""
            INSERT INTO templates (name, spec, source_vm, ready_marker, created_at, project) VALUES ($name, $spec, $source, $marker, $created, $project)
            """);
        cmd.Parameters.AddWithValue("$name", t.Name);
        cmd.Parameters.AddWithValue("$spec", JsonSerializer.Serialize(paths.Stored(t.Spec), HospesJson.Options));
        cmd.Parameters.AddWithValue("$source", (object?)t.SourceVm ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$marker", (object?)t.ReadyMarker ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$created", t.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$project", t.Project);
        return TryExecute(cmd);
    }

    public void DeleteTemplate(string name)
    {
        using SqliteCommand cmd = Command("DELETE FROM templates WHERE name = $name");
        cmd.Parameters.AddWithValue("$name", name);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Gives VM <paramref name="renamed"/> its new name everywhere a row holds the old one: its row (name and spec), the
    /// names of the disks it owns (OLD/vdev), templates made from it, and the ACL entries on it. Throws a
    /// conflict (so the transaction rolls back) when a row with the new name is there.
    /// </summary>
    public void RenameVm(VmRecord renamed, string oldName)
    {
        using SqliteCommand vm = Command("UPDATE vms SET name = $name, spec = $spec WHERE uuid = $uuid");
        vm.Parameters.AddWithValue("$uuid", renamed.Uuid.ToString());
        vm.Parameters.AddWithValue("$name", renamed.Name);
        vm.Parameters.AddWithValue("$spec", JsonSerializer.Serialize(paths.Stored(renamed.Spec), HospesJson.Options));
        if (!TryExecute(vm))
        {
            throw new HospesException(HospesError.Conflict($"the state DB already holds a VM named '{renamed.Name}'; choose another name"));
        }

        using SqliteCommand disks = Command("""
            UPDATE volumes SET name = $new || substr(name, length($old) + 1)
            WHERE vm = $uuid AND kind = 'VmDisk' AND substr(name, 1, length($old) + 1) = $old || '/'
            """);
        disks.Parameters.AddWithValue("$uuid", renamed.Uuid.ToString());
        disks.Parameters.AddWithValue("$old", oldName);
        disks.Parameters.AddWithValue("$new", renamed.Name);
        if (!TryExecute(disks))
        {
            throw new HospesException(HospesError.Conflict($"the store already holds disks named '{renamed.Name}/...' (`hospes disk list` shows them); choose another name"));
        }

        using SqliteCommand templates = Command("UPDATE templates SET source_vm = $new WHERE source_vm = $old AND project = $project");
        templates.Parameters.AddWithValue("$old", oldName);
        templates.Parameters.AddWithValue("$new", renamed.Name);
        templates.Parameters.AddWithValue("$project", renamed.Project);
        templates.ExecuteNonQuery();

        // Grants on the VM follow it; one that the new path holds already (left by a deleted VM of that name) stays once.
        using SqliteCommand acl = Command("""
            UPDATE OR IGNORE acl SET path = $to WHERE path = $from;
            DELETE FROM acl WHERE path = $from;
            """);
        acl.Parameters.AddWithValue("$from", $"/projects/{renamed.Project}/vms/{oldName}");
        acl.Parameters.AddWithValue("$to", $"/projects/{renamed.Project}/vms/{renamed.Name}");
        acl.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql)
    {
        SqliteCommand cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        return cmd;
    }

    private static bool TryExecute(SqliteCommand cmd)
    {
        try
        {
            cmd.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return false; // SQLITE_CONSTRAINT
        }
    }
}
