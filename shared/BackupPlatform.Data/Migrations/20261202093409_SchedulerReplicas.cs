using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPlatform.Data.Migrations
{
    /// <inheritdoc />
    public partial class SchedulerReplicas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "failed_over_at",
                table: "backup_services",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "queue_handed_on",
                table: "backup_services",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "failed_over_at",
                table: "backup_services");

            migrationBuilder.DropColumn(
                name: "queue_handed_on",
                table: "backup_services");
        }
    }
}
