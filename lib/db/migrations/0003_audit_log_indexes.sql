DROP INDEX "audit_target";--> statement-breakpoint
CREATE INDEX "audit_org_target" ON "audit_events" USING btree ("org_id","target_id","created_at","id");--> statement-breakpoint
CREATE INDEX "audit_org_actor" ON "audit_events" USING btree ("org_id","actor_id","created_at","id");--> statement-breakpoint
CREATE INDEX "audit_org_actor_email" ON "audit_events" USING btree ("org_id",lower("actor_email"),"created_at","id");--> statement-breakpoint
CREATE INDEX "audit_org_target_email" ON "audit_events" USING btree ("org_id",lower("target_email"),"created_at","id");--> statement-breakpoint
CREATE INDEX "audit_org_action" ON "audit_events" USING btree ("org_id","action","created_at","id");--> statement-breakpoint
CREATE INDEX "audit_org_refused" ON "audit_events" USING btree ("org_id","created_at","id") WHERE "audit_events"."outcome" = 'refused';--> statement-breakpoint
CREATE INDEX "invitations_open_expires" ON "invitations" USING btree ("expires_at") WHERE "invitations"."kind" = 'invitation' and "invitations"."accepted_at" is null and "invitations"."revoked_at" is null;