using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace BackupPlatform.Data.Migrations
{
    /// <inheritdoc />
    public partial class Journal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "outbox_messages",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "message_journal",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    backup_id = table.Column<Guid>(type: "uuid", nullable: true),
                    volume_id = table.Column<Guid>(type: "uuid", nullable: true),
                    message_type = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    contract_version = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    source_address = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    destination_address = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    service = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    headers = table.Column<string>(type: "text", nullable: true),
                    body = table.Column<string>(type: "text", nullable: true),
                    exception = table.Column<string>(type: "text", nullable: true),
                    note = table.Column<string>(type: "text", nullable: true),
                    replay_of = table.Column<Guid>(type: "uuid", nullable: true),
                    recorded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    duration_ms = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_message_journal", x => x.sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_message_journal_backup_id",
                table: "message_journal",
                column: "backup_id");

            migrationBuilder.CreateIndex(
                name: "IX_message_journal_message_id",
                table: "message_journal",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "IX_message_journal_recorded_at",
                table: "message_journal",
                column: "recorded_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "message_journal");

            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "outbox_messages");
        }
    }
}
