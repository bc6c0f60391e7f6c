using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BackupPlatform.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "backup_services",
                columns: table => new
                {
                    host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    availability_zone = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    store = table.Column<string>(type: "text", nullable: false),
                    version = table.Column<string>(type: "text", nullable: false),
                    active_operations = table.Column<int>(type: "integer", nullable: false),
                    max_operations = table.Column<int>(type: "integer", nullable: false),
                    disabled = table.Column<bool>(type: "boolean", nullable: false),
                    disabled_reason = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    last_seen = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_backup_services", x => x.host);
                });

            migrationBuilder.CreateTable(
                name: "backups",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    project_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    user_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    volume_id = table.Column<Guid>(type: "uuid", nullable: false),
                    snapshot_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    fail_reason = table.Column<string>(type: "text", nullable: true),
                    size = table.Column<int>(type: "integer", nullable: false),
                    object_count = table.Column<int>(type: "integer", nullable: false),
                    container = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    service = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    service_metadata = table.Column<string>(type: "text", nullable: true),
                    availability_zone = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    num_dependent_backups = table.Column<int>(type: "integer", nullable: false),
                    is_incremental = table.Column<bool>(type: "boolean", nullable: false),
                    data_timestamp = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    display_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    display_description = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    metadata = table.Column<string>(type: "text", nullable: true),
                    restore_volume_id = table.Column<Guid>(type: "uuid", nullable: true),
                    temp_volume_id = table.Column<Guid>(type: "uuid", nullable: true),
                    temp_snapshot_id = table.Column<Guid>(type: "uuid", nullable: true),
                    work_started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    deleted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    deleted = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_backups", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    destination = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    message_type = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_backups_host_status",
                table: "backups",
                columns: new[] { "host", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_backups_project_id_deleted",
                table: "backups",
                columns: new[] { "project_id", "deleted" });

            migrationBuilder.CreateIndex(
                name: "IX_backups_volume_id",
                table: "backups",
                column: "volume_id");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_id",
                table: "outbox_messages",
                column: "id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_sent_at_sequence",
                table: "outbox_messages",
                columns: new[] { "sent_at", "sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "backup_services");

            migrationBuilder.DropTable(
                name: "backups");

            migrationBuilder.DropTable(
                name: "outbox_messages");
        }
    }
}
