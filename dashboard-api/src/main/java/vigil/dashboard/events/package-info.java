/** Server-Sent Events: changes of device state and alerts, polled from DynamoDB and fanned out per client scope. */
package vigil.dashboard.events;
